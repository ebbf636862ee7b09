// The layout's similarity curve 1 / (1 + a·d^(2b)), with a and b fitted to minDist and spread as umap-learn's find_ab_params.

/** Samples of the target curve, as umap-learn: 300 points on [0, 3·spread]. */
const SAMPLES = 300;
const MAX_ITERATIONS = 200;
/** Stop when a step changes the parameters by less than this (relative); the fit is then good to ~1e-7. */
const STEP_TOLERANCE = 1e-10;

/**
 * The (a, b) of the curve 1 / (1 + a·x^(2b)) closest in least squares to the offset exponential umap-learn
 * targets: 1 below minDist, exp(-(x - minDist) / spread) above, sampled at 300 points on [0, 3·spread].
 * umap-learn fits this with scipy's curve_fit (MINPACK Levenberg–Marquardt from (1, 1)); this is the same fit, a
 * two-parameter Levenberg–Marquardt from (1, 1) with the analytic Jacobian, and agrees with it to ~1e-6
 * (minDist 0.1, spread 1: a = 1.5769, b = 0.8951).
 */
export function findAbParams(spread: number, minDist: number): { a: number; b: number } {
  const x = new Float64Array(SAMPLES);
  const y = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    x[i] = (3 * spread * i) / (SAMPLES - 1);
    y[i] = x[i]! < minDist ? 1 : Math.exp(-(x[i]! - minDist) / spread);
  }
  let a = 1;
  let b = 1;
  let cost = sumSquares(x, y, a, b);
  let lambda = 1e-3;
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    // Normal equations JᵀJ·δ = -Jᵀr of the residuals r = f(x) - y.
    let jaa = 0;
    let jab = 0;
    let jbb = 0;
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const xi = x[i]!;
      const p = xi > 0 ? Math.pow(xi, 2 * b) : 0;
      const denom = 1 + a * p;
      const r = 1 / denom - y[i]!;
      const da = -p / (denom * denom);
      // d/db of x^(2b) is 2·ln(x)·x^(2b), which tends to 0 as x → 0.
      const db = xi > 0 ? (-a * p * 2 * Math.log(xi)) / (denom * denom) : 0;
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    let accepted = false;
    for (let tries = 0; tries < 30 && !accepted; tries++) {
      // Marquardt's scaling: damp each parameter by its own curvature.
      const m00 = jaa * (1 + lambda);
      const m11 = jbb * (1 + lambda);
      const det = m00 * m11 - jab * jab;
      const stepA = (-ga * m11 + gb * jab) / det;
      const stepB = (-gb * m00 + ga * jab) / det;
      const nextCost = sumSquares(x, y, a + stepA, b + stepB);
      if (Number.isFinite(nextCost) && nextCost <= cost) {
        a += stepA;
        b += stepB;
        const converged =
          Math.abs(stepA) <= STEP_TOLERANCE * Math.abs(a) && Math.abs(stepB) <= STEP_TOLERANCE * Math.abs(b);
        cost = nextCost;
        lambda = Math.max(lambda / 10, 1e-12);
        accepted = true;
        if (converged) return { a, b };
      } else {
        lambda *= 10;
      }
    }
    if (!accepted) break;
  }
  return { a, b };
}

function sumSquares(x: Float64Array, y: Float64Array, a: number, b: number): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const p = x[i]! > 0 ? Math.pow(x[i]!, 2 * b) : 0;
    const r = 1 / (1 + a * p) - y[i]!;
    sum += r * r;
  }
  return sum;
}
