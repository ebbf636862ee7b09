// Where the login may send the browser afterwards (?next=): a path on this site, judged after URL parsing the way a
// browser reads it, so "/\tevil.example" (tab removed: "//evil.example") or "/\\evil" (backslash as slash) cannot
// hand the login to another site. Pure: the login page and its tests share it.

const BASE = "http://local.invalid";

/**
 * `next` as a same-origin path with its query and hash (percent-encoded, safe as a Location header), or `fallback`
 * when it is missing, not a single string, holds a control character or backslash, or resolves to another origin.
 */
export function localPath(next: string | string[] | undefined, fallback = "/"): string {
  if (typeof next !== "string" || next === "" || next.length > 2048) return fallback;
  // URL parsing drops tabs and line breaks and reads "\" as "/": text that needs either is not a plain local path.
  if (!next.startsWith("/") || /[\u0000-\u001f\u007f-\u009f\\]/.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/." or "/%2e%2e/x" normalise to paths that start with one slash; "//" can only come from an odd encoding.
  return path.startsWith("/") && !path.startsWith("//") ? path : fallback;
}
