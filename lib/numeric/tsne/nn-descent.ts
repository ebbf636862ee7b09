// NN-descent rounds (Dong, Moses & Li 2011) in "pull" form: every row improves only its own heap from its neighbours' neighbours, so rows split into fixed chunks over threads.
import { kernelTask } from "../parallel";
import { distanceSqBelow, nextStamp, replaceRoot, sortRowInto, visitMarks } from "./nn-heap";
import { ROW_CHUNK } from "./rp-forest";

/**
 * One pull round for chunk `chunk` (ROW_CHUNK rows): row i measures every row q that shares a candidate list with
 * it, q ≠ i, unless both are old there (that pair was joined before), plus the rows u whose new list holds i; each
 * distinct q once, none already in its heap, stopping each sum early once past the heap's farthest. Reads the
 * candidates (fixed for the round) and writes only its own rows' heaps, so chunks run in any order on any thread.
 * Insertions per chunk go to updates[chunk].
 */
export const joinChunk = kernelTask(import.meta.url, "joinChunk", (chunk, args) => {
  const data = args.data as Float32Array;
  const rows = args.rows as number;
  const cols = args.cols as number;
  const k = args.k as number;
  const m = args.m as number;
  const dist = args.dist as Float64Array;
  const idx = args.idx as Int32Array;
  const isNew = args.isNew as Uint8Array;
  const newIdx = args.newIdx as Int32Array;
  const oldIdx = args.oldIdx as Int32Array;
  const rcStart = args.rcStart as Int32Array;
  const rcEntries = args.rcEntries as Int32Array;
  const marks = visitMarks(rows);
  let updates = 0;
  let measured = 0;
  const end = Math.min(rows, (chunk + 1) * ROW_CHUNK);
  for (let i = chunk * ROW_CHUNK; i < end; i++) {
    const stamp = nextStamp();
    const base = i * k;
    marks[i] = stamp;
    for (let e = base; e < base + k; e++) if (idx[e]! >= 0) marks[idx[e]!] = stamp;
    for (let e = rcStart[i]!; e < rcStart[i + 1]!; e++) {
      const code = rcEntries[e]!;
      const u = code >> 1;
      const fresh = (code & 1) === 1;
      if (fresh && marks[u] !== stamp) {
        marks[u] = stamp;
        measured++;
        const d = distanceSqBelow(data, cols, i, u, dist[base]!);
        if (d < dist[base]!) {
          replaceRoot(dist, idx, isNew, base, k, d, u);
          updates++;
        }
      }
      for (let t = u * m; t < u * m + m; t++) {
        const q = newIdx[t]!;
        if (q < 0 || marks[q] === stamp) continue;
        marks[q] = stamp;
        measured++;
        const d = distanceSqBelow(data, cols, i, q, dist[base]!);
        if (d < dist[base]!) {
          replaceRoot(dist, idx, isNew, base, k, d, q);
          updates++;
        }
      }
      if (!fresh) continue;
      for (let t = u * m; t < u * m + m; t++) {
        const q = oldIdx[t]!;
        if (q < 0 || marks[q] === stamp) continue;
        marks[q] = stamp;
        measured++;
        const d = distanceSqBelow(data, cols, i, q, dist[base]!);
        if (d < dist[base]!) {
          replaceRoot(dist, idx, isNew, base, k, d, q);
          updates++;
        }
      }
    }
  }
  (args.updates as Int32Array)[chunk] = updates;
  (args.measured as Int32Array)[chunk] = measured;
});

/**
 * Sorts the heaps of chunk `chunk`'s rows ascending by (distance, index) into outDist/outIdx [rows, k], back in the
 * caller's numbering: heap row i is the caller's row label[i], and so are the indices it holds.
 */
export const sortChunk = kernelTask(import.meta.url, "sortChunk", (chunk, args) => {
  const rows = args.rows as number;
  const k = args.k as number;
  const label = args.label as Int32Array;
  const dist = args.dist as Float64Array;
  const idx = args.idx as Int32Array;
  const outDist = args.outDist as Float64Array;
  const outIdx = args.outIdx as Int32Array;
  const end = Math.min(rows, (chunk + 1) * ROW_CHUNK);
  for (let i = chunk * ROW_CHUNK; i < end; i++) sortRowInto(dist, idx, i, k, label, outDist, outIdx, label[i]!);
});
