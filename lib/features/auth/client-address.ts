// The address a login attempt comes from, for the login limiter. `next start` does not hand route handlers the
// socket's address: Next copies it into X-Forwarded-For only when the request has no such header (base-server.js,
// `x-forwarded-for ??= socket.remoteAddress`), so the header is whatever the client chose to send. It is believed
// only when TRUSTED_PROXIES names the proxy that appends to it; otherwise every client is the one "unknown" address.
import { isIP } from "node:net";

export const UNKNOWN_CLIENT = "unknown";

export interface ClientAddress {
  /** The limiter's key: an IP address, or UNKNOWN_CLIENT. */
  address: string;
  /** True when the address was read through a trusted proxy: only then may the limiter refuse it. */
  identified: boolean;
}

/** "::ffff:192.0.2.1" → "192.0.2.1"; other addresses lower-cased; null for anything that is not an IP address. */
export function normalizeIp(text: string): string | null {
  const trimmed = text.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(trimmed);
  const ip = mapped ? mapped[1]! : trimmed;
  return isIP(ip) ? ip : null;
}

/**
 * The client's address from X-Forwarded-For as trusted proxies wrote it: walking from the right (the entry the
 * nearest proxy appended), past the trusted proxies' own addresses, to the first address they do not name. Entries
 * further left were sent by the client and are ignored. With no trusted proxy configured, or a header the proxies
 * did not write as expected, the client is UNKNOWN_CLIENT.
 */
export function clientAddress(headers: Headers, trustedProxies: readonly string[]): ClientAddress {
  const unknown = { address: UNKNOWN_CLIENT, identified: false };
  if (trustedProxies.length === 0) return unknown;
  const trusted = new Set(trustedProxies.map((p) => normalizeIp(p) ?? p));
  const hops = (headers.get("x-forwarded-for") ?? "").split(",").slice(-32).reverse();
  let last: string | null = null;
  for (const hop of hops) {
    const ip = normalizeIp(hop);
    if (ip === null) return unknown;
    if (!trusted.has(ip)) return { address: ip, identified: true };
    last = ip;
  }
  // Every hop is a trusted proxy (a request the proxy made itself): that proxy is the client.
  return last === null ? unknown : { address: last, identified: true };
}
