// The address a login attempt comes from, for the login limiter. Route handlers get no socket, so our server
// (scripts/serve.ts, `npm start`) writes the socket's address into a private header after deleting whatever the client
// sent under that name; the header is believed only in a process that server marked. Under a plain `next start` the
// peer is unknown: Next copies the socket address into X-Forwarded-For only when the request has no such header
// (base-server.js, `x-forwarded-for ??= socket.remoteAddress`), so that header is whatever the client chose to send.
import { isIP } from "node:net";

export const UNKNOWN_CLIENT = "unknown";

/** The header scripts/serve.ts sets to `req.socket.remoteAddress` on every request, after deleting the client's. */
export const PEER_HEADER = "x-mnist-lens-peer";

/** Process-wide (not module-wide): the server's module and Next's bundled copy of this file are separate instances. */
const PEER_FLAG = Symbol.for("mnist-lens.peer-header-set-by-server");
const processFlags = globalThis as unknown as Record<symbol, boolean | undefined>;

/** Called by scripts/serve.ts before Next handles anything: from then on PEER_HEADER is the socket's address. */
export function markPeerHeaderTrusted(): void {
  processFlags[PEER_FLAG] = true;
}

/** True only in a process started by scripts/serve.ts; under `next start` PEER_HEADER is the client's to send. */
export function isPeerHeaderTrusted(): boolean {
  return processFlags[PEER_FLAG] === true;
}

export interface ClientAddress {
  /** The limiter's key: an IP address, or UNKNOWN_CLIENT. */
  address: string;
  /** True when the address came from the socket or a trusted proxy: only then may the limiter refuse it. */
  identified: boolean;
}

/** "::ffff:192.0.2.1" → "192.0.2.1"; other addresses lower-cased; null for anything that is not an IP address. */
export function normalizeIp(text: string): string | null {
  const trimmed = text.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(trimmed);
  const ip = mapped ? mapped[1]! : trimmed;
  return isIP(ip) ? ip : null;
}

const UNKNOWN: ClientAddress = { address: UNKNOWN_CLIENT, identified: false };

/**
 * Walks X-Forwarded-For from the right (the entry the nearest proxy appended), past the trusted proxies' own
 * addresses, to the first address they do not name. Entries further left were sent by the client and are ignored.
 * A hop that is not an IP address means the proxies did not write the header as expected: UNKNOWN_CLIENT.
 */
function walkForwardedFor(headers: Headers, trusted: ReadonlySet<string>, peer: string | null): ClientAddress {
  const header = headers.get("x-forwarded-for");
  const hops = header === null ? [] : header.split(",").slice(-32).reverse();
  let last = peer;
  for (const hop of hops) {
    const ip = normalizeIp(hop);
    if (ip === null) return UNKNOWN;
    if (!trusted.has(ip)) return { address: ip, identified: true };
    last = ip;
  }
  // Every hop is a trusted proxy (a request the proxy made itself): that proxy is the client.
  return last === null ? UNKNOWN : { address: last, identified: true };
}

/**
 * The client's address. With `peerTrusted` (our server set PEER_HEADER from the socket): the peer itself, unless it
 * is one of `trustedProxies`, in which case X-Forwarded-For is walked as that proxy wrote it. Without (plain
 * `next start`): X-Forwarded-For walked when proxies are configured (the app must then be reachable only through
 * them), else UNKNOWN_CLIENT — the one address that is never refused.
 */
export function clientAddress(
  headers: Headers,
  trustedProxies: readonly string[],
  peerTrusted: boolean = isPeerHeaderTrusted(),
): ClientAddress {
  const trusted = new Set(trustedProxies.map((p) => normalizeIp(p) ?? p));
  if (peerTrusted) {
    const peer = normalizeIp(headers.get(PEER_HEADER) ?? "");
    // The server always sets it; missing only if the socket had closed before the request was handled.
    if (peer === null) return UNKNOWN;
    if (!trusted.has(peer)) return { address: peer, identified: true };
    return walkForwardedFor(headers, trusted, peer);
  }
  if (trusted.size === 0) return UNKNOWN;
  return walkForwardedFor(headers, trusted, null);
}
