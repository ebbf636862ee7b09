// The data map's binary (per training digit: confidence, variability, correctness, forgetting events, first epoch
// learned, label) as one float32 column-major blob, with its encoder and decoder (safe on both sides).

export const DATA_MAP_COLUMNS = [
  "confidence",
  "variability",
  "correctness",
  "forgetting",
  "firstLearned",
  "label",
] as const;
export type DataMapColumn = (typeof DATA_MAP_COLUMNS)[number];

/** n training digits in training-index order; every column a float32 [n] view of one buffer. */
export type DataMapPoints = Record<DataMapColumn, Float32Array> & { count: number };

/** float32 [6, n], column-major in DATA_MAP_COLUMNS order. */
export function encodeDataMap(columns: Record<DataMapColumn, ArrayLike<number>>): Float32Array<ArrayBuffer> {
  const n = columns.confidence.length;
  const out = new Float32Array(DATA_MAP_COLUMNS.length * n);
  DATA_MAP_COLUMNS.forEach((name, c) => {
    const values = columns[name];
    if (values.length !== n) throw new RangeError(`column ${name} has ${values.length} values, expected ${n}`);
    out.set(values, c * n);
  });
  return out;
}

/** The columns of an encoded blob (views, no copy). */
export function decodeDataMap(buffer: ArrayBuffer): DataMapPoints {
  const all = new Float32Array(buffer);
  if (all.length % DATA_MAP_COLUMNS.length !== 0)
    throw new RangeError(`data map blob of ${all.length} floats is not ${DATA_MAP_COLUMNS.length} whole columns`);
  const count = all.length / DATA_MAP_COLUMNS.length;
  const entries = DATA_MAP_COLUMNS.map((name, c) => [name, all.subarray(c * count, (c + 1) * count)] as const);
  return { ...(Object.fromEntries(entries) as Record<DataMapColumn, Float32Array>), count };
}

/** Correctness buckets the map is coloured by (the paper's legend steps): 0 for never right … 5 for always right. */
export const CORRECTNESS_BUCKETS = 6;

export function correctnessBucket(correctness: number): number {
  return Math.min(CORRECTNESS_BUCKETS - 1, Math.max(0, Math.round(correctness * (CORRECTNESS_BUCKETS - 1))));
}

/** Red (never right) through yellow to blue (always right), one colour per bucket. */
export const CORRECTNESS_COLOURS = ["#d7191c", "#f07c4a", "#fec980", "#c7e9ad", "#80bfab", "#2b83ba"] as const;
