// Runs before every request (Next 16's proxy, Node.js runtime): rejects paths whose percent-encoding does not decode,
// answers 503 while the database is locked past the busy timeout, and sets the security headers with a fresh CSP
// nonce that Next puts on the page's scripts.
import { NextResponse, type NextRequest } from "next/server";
import { BUSY_RETRY_AFTER_S, probeDatabase } from "./lib/db/faults";
import {
  createNonce,
  DATA_POLICY,
  pageNeedsWasm,
  pagePolicy,
  pathDecodes,
  STATIC_SECURITY_HEADERS,
} from "./lib/core/security-headers";

function withSecurityHeaders(response: NextResponse, policy: string): NextResponse {
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) response.headers.set(name, value);
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

function plainAnswer(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return withSecurityHeaders(
    NextResponse.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } }),
    DATA_POLICY,
  );
}

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { pathname } = request.nextUrl;
  // Next would decode the dynamic segments later and fail with a 500; the path is the client's mistake.
  if (!pathDecodes(pathname))
    return plainAnswer(400, { error: "the path is not valid percent-encoded UTF-8", field: "path" });

  const isApi = pathname.startsWith("/api/");
  if ((request.method === "GET" || request.method === "HEAD") && (await probeDatabase()) === "busy") {
    const retry = { "Retry-After": String(BUSY_RETRY_AFTER_S) };
    const error = `the database is busy (locked by another process): retry in ${BUSY_RETRY_AFTER_S} s`;
    if (isApi) return plainAnswer(503, { error, retryAfterSeconds: BUSY_RETRY_AFTER_S }, retry);
    // A page: a short HTML answer the browser shows, with nothing from the request in it.
    const html = `<!doctype html><meta charset="utf-8"><title>Busy · mnist-lens</title><h1>The database is busy</h1><p>Another process holds it locked. Reload in ${BUSY_RETRY_AFTER_S} seconds.</p>`;
    return withSecurityHeaders(
      new NextResponse(html, {
        status: 503,
        headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", ...retry },
      }),
      DATA_POLICY,
    );
  }

  if (isApi) return withSecurityHeaders(NextResponse.next(), DATA_POLICY);
  const nonce = createNonce();
  const policy = pagePolicy(nonce, { dev: process.env.NODE_ENV === "development", wasm: pageNeedsWasm(pathname) });
  // Next reads the nonce from the request's CSP header while rendering and puts it on its scripts.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", policy);
  return withSecurityHeaders(NextResponse.next({ request: { headers: requestHeaders } }), policy);
}

export const config = {
  // Static files carry the fixed headers from next.config.js; they need neither a nonce nor the database.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
