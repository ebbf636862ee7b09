// Binomial and chi-square tail probabilities in log space, for McNemar's test (significance.ts).
// No statistics package is installed, so these are written here. They work with logarithms because a lopsided
// table on 10,000 test digits gives p-values far below the smallest double (1e-308): summing probabilities directly
// would underflow to 0 and print "p = 0", while log p stays finite and ranks such results correctly.

/** Lanczos coefficients (g = 7, n = 9), accurate to ~15 significant digits for x > 0. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const LANCZOS_G = 7;

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma: x must be > 0, got ${x}`);
  // Γ(x) Γ(1 − x) = π / sin(πx) keeps the series where it converges well.
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln C(n, k). */
export function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** ln(e^x + e^y) without overflow or underflow. */
function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  const m = Math.max(x, y);
  return m + Math.log1p(Math.exp(-Math.abs(x - y)));
}

/** ln P(X ≤ k) for X ~ Binomial(n, p): the pmf terms summed in log space (n + 1 terms at most). */
export function logBinomialCdf(k: number, n: number, p: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`logBinomialCdf: n must be a whole number ≥ 0, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`logBinomialCdf: p must be in [0, 1], got ${p}`);
  if (k < 0) return -Infinity;
  if (k >= n) return 0;
  const kk = Math.floor(k);
  if (p === 0) return 0;
  if (p === 1) return -Infinity;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let acc = -Infinity;
  for (let i = 0; i <= kk; i++) acc = logAddExp(acc, logChoose(n, i) + i * lp + (n - i) * lq);
  return Math.min(0, acc);
}

const CF_EPS = 1e-15;
const CF_TINY = 1e-300;
const MAX_ITER = 10_000;

/**
 * ln Q(a, x), the regularised upper incomplete gamma Γ(a, x) / Γ(a): by its series for x < a + 1 (where
 * Q = 1 − P is not tiny) and by its continued fraction (modified Lentz) beyond, which gives ln Q directly.
 */
export function logGammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`logGammaQ: a must be > 0, got ${a}`);
  if (!(x >= 0)) throw new RangeError(`logGammaQ: x must be ≥ 0, got ${x}`);
  if (x === 0) return 0;
  if (x === Infinity) return -Infinity;
  const front = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITER; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * CF_EPS) break;
    }
    return Math.log1p(-Math.min(1, Math.exp(front + Math.log(sum))));
  }
  let b = x + 1 - a;
  let c = 1 / CF_TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = b + an / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < CF_EPS) break;
  }
  return front + Math.log(h);
}

/** ln P(X > x) for X ~ χ²(df). */
export function logChiSquareSurvival(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`logChiSquareSurvival: df must be > 0, got ${df}`);
  if (Number.isNaN(x)) throw new RangeError("logChiSquareSurvival: x is NaN");
  if (x <= 0) return 0;
  return logGammaQ(df / 2, x / 2);
}
