// Job ids as they appear in URLs.

/** A positive integer id from a path segment, or null ("12", not "1e3", "-1" or "12abc"). */
export function parseJobId(text: string): number | null {
  if (!/^[1-9]\d{0,8}$/.test(text)) return null;
  return Number(text);
}
