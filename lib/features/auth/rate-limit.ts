// Login throttling per client address, with exponential backoff (the policy is stated in the README's "Admin"
// section). An address's first few wrong passwords cost nothing; after that each one doubles the wait before its next
// attempt, up to a cap. A correct password from an address with no pending wait is always checked, so failures
// from elsewhere never lock the admin out. The address is lib/features/auth/client-address.ts's.

export interface LoginLimiter {
  /** Milliseconds until `address` may try again; 0 when it may now. */
  retryAfterMs(address: string, now: number): number;
  recordFailure(address: string, now: number): void;
  /** Forget the address's failures (after a successful login). */
  recordSuccess(address: string): void;
  /** Wrong passwords counted against `address` and not yet forgotten. */
  failures(address: string, now: number): number;
}

export interface LoginLimiterOptions {
  /** Wrong passwords an address may make before any wait, default 3, range 0..100. */
  freeFailures?: number;
  /** Wait after the first failure beyond the free ones, default 1 s; each further failure doubles it. */
  baseDelayMs?: number;
  /** Longest wait, default 15 minutes. */
  maxDelayMs?: number;
  /** An address's failures are forgotten this long after its last one, default 1 hour (≥ maxDelayMs). */
  forgetAfterMs?: number;
  /** Addresses remembered at most, oldest forgotten first, default 10,000: bounds memory under address rotation. */
  maxAddresses?: number;
}

interface AddressState {
  failures: number;
  lastFailureAt: number;
}

export function createLoginLimiter(options: LoginLimiterOptions = {}): LoginLimiter {
  const freeFailures = options.freeFailures ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 15 * 60_000;
  const forgetAfterMs = options.forgetAfterMs ?? 60 * 60_000;
  const maxAddresses = options.maxAddresses ?? 10_000;
  if (!Number.isInteger(freeFailures) || freeFailures < 0 || freeFailures > 100)
    throw new RangeError(`freeFailures must be an integer in 0..100, got ${freeFailures}`);
  if (!(baseDelayMs > 0)) throw new RangeError(`baseDelayMs must be positive, got ${baseDelayMs}`);
  if (!(maxDelayMs >= baseDelayMs))
    throw new RangeError(`maxDelayMs must be at least baseDelayMs (${baseDelayMs}), got ${maxDelayMs}`);
  if (!(forgetAfterMs >= maxDelayMs))
    throw new RangeError(`forgetAfterMs must be at least maxDelayMs (${maxDelayMs}), got ${forgetAfterMs}`);
  if (!Number.isInteger(maxAddresses) || maxAddresses < 1)
    throw new RangeError(`maxAddresses must be a positive integer, got ${maxAddresses}`);
  // Insertion order is last-failure order (an address is re-inserted on each failure): the first key is the oldest.
  const states = new Map<string, AddressState>();
  const live = (address: string, now: number): AddressState | undefined => {
    const state = states.get(address);
    if (state && now - state.lastFailureAt >= forgetAfterMs) {
      states.delete(address);
      return undefined;
    }
    return state;
  };
  return {
    retryAfterMs(address, now) {
      const state = live(address, now);
      if (!state || state.failures <= freeFailures) return 0;
      const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(40, state.failures - freeFailures - 1));
      return Math.max(0, state.lastFailureAt + delay - now);
    },
    recordFailure(address, now) {
      const failures = (live(address, now)?.failures ?? 0) + 1;
      states.delete(address);
      states.set(address, { failures, lastFailureAt: now });
      while (states.size > maxAddresses) states.delete(states.keys().next().value!);
    },
    recordSuccess(address) {
      states.delete(address);
    },
    failures(address, now) {
      return live(address, now)?.failures ?? 0;
    },
  };
}

const globalForLimiter = globalThis as unknown as { mnistLensLoginLimiter?: LoginLimiter };

/** The server process's login limiter. */
export function loginLimiter(): LoginLimiter {
  globalForLimiter.mnistLensLoginLimiter ??= createLoginLimiter();
  return globalForLimiter.mnistLensLoginLimiter;
}
