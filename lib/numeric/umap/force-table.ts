// UMAP's attraction and repulsion coefficients as functions of squared distance, tabulated: Math.pow is most of an SGD step.

/**
 * Segments per octave of d²: linear interpolation of a power d^p over 1/256 of an octave errs by at most
 * p(p - 1)/8 · 256⁻² relative, 2e-6 · p(p - 1): the repulsion's tail (p = -1 - b) sets the bound.
 */
const SEGMENT_BITS = 8;
/** Octaves covered, d² in [2^MIN_OCTAVE, 2^MAX_OCTAVE); outside it the formula is evaluated directly. */
const MIN_OCTAVE = -40;
const MAX_OCTAVE = 24;

export interface ForceTable {
  /** -2ab·d^(2b-2) / (1 + a·d^(2b)): the attraction per unit offset along an edge (negative: pulls together). */
  attraction(d2: number): number;
  /** 2γb / ((0.001 + d²)(1 + a·d^(2b))): the repulsion per unit offset from a negative sample. */
  repulsion(d2: number): number;
}

/**
 * Both coefficients of UMAP's gradient for the curve (a, b) and repulsion weight gamma, for d² > 0. Each is read
 * from a table over log-spaced d² (256 segments per octave, indexed by the float's exponent and top mantissa bits)
 * and interpolated linearly, within 1.1e-5 relative error of the formula for b ≤ 1 and 3e-5 for b ≤ 2 (checked in
 * the tests; umap-learn's own arithmetic is float32 with fastmath), about ten times
 * faster than its two Math.pow calls; d² outside [2^-40, 2^24) is computed directly.
 */
export function createForceTable(a: number, b: number, gamma: number): ForceTable {
  const attractionOf = (d2: number): number => {
    const pb = Math.pow(d2, b);
    return (-2 * a * b * pb) / d2 / (a * pb + 1);
  };
  const repulsionOf = (d2: number): number => (2 * gamma * b) / ((0.001 + d2) * (a * Math.pow(d2, b) + 1));
  const perOctave = 1 << SEGMENT_BITS;
  const segments = (MAX_OCTAVE - MIN_OCTAVE) * perOctave;
  // Segment s starts at start[s]; value[s] and slope[s] give f(d²) ≈ value + slope · (d² - start) within it.
  const start = new Float64Array(segments);
  const attractValue = new Float64Array(segments);
  const attractSlope = new Float64Array(segments);
  const repelValue = new Float64Array(segments);
  const repelSlope = new Float64Array(segments);
  for (let s = 0; s < segments; s++) {
    // The mantissa splits each octave into equal steps: segment s is [2^e·(1 + f/256), 2^e·(1 + (f+1)/256)).
    const octave = Math.pow(2, MIN_OCTAVE + Math.floor(s / perOctave));
    const f = s % perOctave;
    const lo = octave * (1 + f / perOctave);
    const hi = octave * (1 + (f + 1) / perOctave);
    start[s] = lo;
    attractValue[s] = attractionOf(lo);
    attractSlope[s] = (attractionOf(hi) - attractionOf(lo)) / (hi - lo);
    repelValue[s] = repulsionOf(lo);
    repelSlope[s] = (repulsionOf(hi) - repulsionOf(lo)) / (hi - lo);
  }
  // The float64's high word holds the sign, the 11 exponent bits and the top 20 mantissa bits.
  const scratch = new Float64Array(1);
  const words = new Int32Array(scratch.buffer);
  const high = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
  const shift = 20 - SEGMENT_BITS;
  const base = (1023 + MIN_OCTAVE) * perOctave;
  const segmentOf = (d2: number): number => {
    scratch[0] = d2;
    return (words[high]! >>> shift) - base;
  };
  // Segment starts are exact floats (a power of two times a short fraction), so start[s] ≤ d² < start[s + 1].
  return {
    attraction(d2) {
      const s = segmentOf(d2);
      if (s < 0 || s >= segments) return attractionOf(d2);
      return attractValue[s]! + attractSlope[s]! * (d2 - start[s]!);
    },
    repulsion(d2) {
      const s = segmentOf(d2);
      if (s < 0 || s >= segments) return repulsionOf(d2);
      return repelValue[s]! + repelSlope[s]! * (d2 - start[s]!);
    },
  };
}
