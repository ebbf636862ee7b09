// Splits one Set-Cookie header into name, value and attributes (names lower-cased), so tests can check each attribute
// whatever order and case the server writes them in.

export interface SetCookie {
  name: string;
  value: string;
  /** Attribute name (lower case) → value; a flag such as HttpOnly maps to "". */
  attributes: Map<string, string>;
}

export function parseSetCookie(header: string): SetCookie {
  const [pair = "", ...parts] = header.split(";").map((p) => p.trim());
  const eq = pair.indexOf("=");
  const attributes = new Map<string, string>();
  for (const part of parts) {
    const at = part.indexOf("=");
    if (at === -1) attributes.set(part.toLowerCase(), "");
    else attributes.set(part.slice(0, at).toLowerCase(), part.slice(at + 1));
  }
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
}

/** The response's only Set-Cookie header, split; fails the test when there is none or more than one. */
export function onlySetCookie(res: Response): SetCookie {
  const headers = res.headers.getSetCookie();
  if (headers.length !== 1)
    throw new Error(`expected one Set-Cookie header, got ${headers.length}: ${JSON.stringify(headers)}`);
  return parseSetCookie(headers[0]!);
}
