// The security headers of every response (set by proxy.ts) and the Content-Security-Policy of pages and APIs.

/**
 * Headers every response carries, pages, APIs and static files alike: no MIME sniffing (a pixel binary is never
 * run as a script), no framing (clickjacking), and no full URL (with its query) sent to other sites.
 */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
};

/** A fresh nonce per page response: 16 random bytes, base64 (the nonce-source grammar allows +, / and =). */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The policy of an HTML page. Scripts: only those carrying this response's nonce (Next puts it on its own inline
 * and bundle scripts) and what they load ('strict-dynamic'); no 'unsafe-inline', no 'unsafe-eval' outside dev
 * (React's dev build needs eval for its error overlay). Styles: 'unsafe-inline' because React writes style=""
 * attributes (bar widths, positions computed with d3) into the server HTML, and a CSP cannot allow attributes by
 * nonce; style attributes cannot run script. Images: data: and blob: for images drawn in the browser (a canvas
 * exported as a URL); no page shows one today, so img-src could be narrowed to 'self'.
 * `wasm`: the page may compile WebAssembly ('wasm-unsafe-eval'), which tfjs's wasm backend on /draw needs; it allows
 * WebAssembly.compile/instantiate of bytes the page's own scripts fetched (from 'self': connect-src), not eval() or
 * new Function() of JavaScript, and every other page goes without it.
 */
export function pagePolicy(nonce: string, options: { dev?: boolean; wasm?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.wasm ? " 'wasm-unsafe-eval'" : ""}${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** APIs and files answer data, never documents to render: nothing may load from them, nothing may frame them. */
export const DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Pages that run WebAssembly in the browser (tfjs's wasm backend): /draw and anything under it. */
export function pageNeedsWasm(pathname: string): boolean {
  return pathname === "/draw" || pathname.startsWith("/draw/");
}

/** The path's segments all decode as UTF-8 percent-encoding ("%E0%A4%A" and "%" alone do not). */
export function pathDecodes(pathname: string): boolean {
  try {
    for (const segment of pathname.split("/")) decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/** The nonce of a policy built by pagePolicy, or undefined (a request the proxy did not see). */
export function nonceOf(policy: string | null): string | undefined {
  return policy === null ? undefined : /'nonce-([^']+)'/.exec(policy)?.[1];
}

/**
 * Run before any bundle: zod (4.x) reads `globalThis.__zod_globalConfig` when it loads, and with `jitless` it
 * neither compiles parsers with `new Function` nor probes whether it may, a probe the CSP reports as a violation
 * even though zod catches the error.
 */
export const ZOD_JITLESS_SCRIPT =
  "globalThis.__zod_globalConfig=Object.assign(globalThis.__zod_globalConfig||{},{jitless:true});";
