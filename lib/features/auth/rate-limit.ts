// Login throttling: at most `maxFailures` wrong passwords within a sliding `windowMs`; beyond that every attempt,
// right or wrong, is refused until the oldest failure leaves the window.
// Global rather than per client: behind `next start` a route handler cannot see the peer address, and a header
// such as X-Forwarded-For is the attacker's to choose. The cost is that a stranger can lock the admin out for one window.

export interface LoginLimiter {
  /** Milliseconds until the next attempt is allowed; 0 when it is allowed now. */
  retryAfterMs(now: number): number;
  recordFailure(now: number): void;
  /** Forget the failures (after a successful login). */
  reset(): void;
}

export interface LoginLimiterOptions {
  /** Wrong passwords allowed per window, default 5, range 1..1000. */
  maxFailures?: number;
  /** Window length in ms, default 5 minutes. */
  windowMs?: number;
}

export function createLoginLimiter(options: LoginLimiterOptions = {}): LoginLimiter {
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 5 * 60_000;
  if (!Number.isInteger(maxFailures) || maxFailures < 1 || maxFailures > 1000)
    throw new RangeError(`maxFailures must be an integer in 1..1000, got ${maxFailures}`);
  if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
  let failures: number[] = [];
  const prune = (now: number) => {
    failures = failures.filter((t) => t > now - windowMs);
  };
  return {
    retryAfterMs(now) {
      prune(now);
      return failures.length < maxFailures ? 0 : failures[0]! + windowMs - now;
    },
    recordFailure(now) {
      prune(now);
      failures.push(now);
    },
    reset() {
      failures = [];
    },
  };
}

const globalForLimiter = globalThis as unknown as { mnistLensLoginLimiter?: LoginLimiter };

/** The server process's login limiter. */
export function loginLimiter(): LoginLimiter {
  globalForLimiter.mnistLensLoginLimiter ??= createLoginLimiter();
  return globalForLimiter.mnistLensLoginLimiter;
}
