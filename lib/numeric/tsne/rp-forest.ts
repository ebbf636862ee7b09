// Random-projection trees (Dasgupta & Freund 2008, as pynndescent initialises NN-descent): rows sharing a leaf are each row's first neighbour candidates.
import { kernelTask, sharedFloat32, sharedInt32 } from "../parallel";
import { createRng } from "../random";
import { distanceSqBelow, nextStamp, replaceRoot, visitMarks } from "./nn-heap";

/** Rows per chunk of the leaf pass (and of every per-row NN-descent pass): fixed, whatever the thread count. */
export const ROW_CHUNK = 256;

/** The RNG seed of tree `tree` (or of row `tree`'s random fill) from the caller's seed: distinct streams. */
export function streamSeed(seed: number, stream: number, salt: number): number {
  return (Math.imul(seed >>> 0, 0x85ebca6b) ^ Math.imul(stream + 1, 0x9e3779b9) ^ salt) >>> 0;
}

/**
 * Builds tree number `chunk` over the rows of `data` [rows, cols] (float32): each node splits its rows by the
 * hyperplane halfway between two of them, chosen at random, until a node holds at most `leafSize` rows.
 * Writes the tree's slices of perm [trees, rows] (rows in leaf order), leafOf [trees, rows] (each row's leaf) and
 * leafStart [trees, rows + 1] (leaf l holds perm positions leafStart[l] … leafStart[l + 1] - 1).
 * Ties on the hyperplane go to a random side; a split that leaves one side empty (repeated rows) halves the node.
 */
export const buildTreeChunk = kernelTask(import.meta.url, "buildTreeChunk", (tree, args) => {
  const data = args.data as Float32Array;
  const rows = args.rows as number;
  const cols = args.cols as number;
  const leafSize = args.leafSize as number;
  const perm = (args.perm as Int32Array).subarray(tree * rows, (tree + 1) * rows);
  const leafOf = (args.leafOf as Int32Array).subarray(tree * rows, (tree + 1) * rows);
  const leafStart = (args.leafStart as Int32Array).subarray(tree * (rows + 1), (tree + 1) * (rows + 1));
  const rng = createRng(streamSeed(args.seed as number, tree, 0x2545f491));
  const normal = new Float64Array(cols);
  const side = new Uint8Array(rows);
  const scratch = new Int32Array(rows);
  for (let p = 0; p < rows; p++) perm[p] = p;
  // Segments [lo, hi) still to split; the left one is taken first, so leaves are numbered in perm order.
  const stack = [0, rows];
  let leaves = 0;
  while (stack.length > 0) {
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    const size = hi - lo;
    if (size <= leafSize) {
      leafStart[leaves] = lo;
      for (let p = lo; p < hi; p++) leafOf[perm[p]!] = leaves;
      leaves++;
      continue;
    }
    const a = perm[lo + Math.floor(rng() * size)]!;
    let bPos = lo + Math.floor(rng() * (size - 1));
    if (perm[bPos] === a) bPos = hi - 1;
    const b = perm[bPos]!;
    let offset = 0;
    for (let c = 0; c < cols; c++) {
      const xa = data[a * cols + c]!;
      const xb = data[b * cols + c]!;
      normal[c] = xa - xb;
      offset -= (xa - xb) * ((xa + xb) / 2);
    }
    let left = 0;
    for (let p = lo; p < hi; p++) {
      const o = perm[p]! * cols;
      let margin = offset;
      for (let c = 0; c < cols; c++) margin += normal[c]! * data[o + c]!;
      const s = margin > 0 ? 0 : margin < 0 ? 1 : rng() < 0.5 ? 0 : 1;
      side[p] = s;
      if (s === 0) left++;
    }
    if (left === 0 || left === size) {
      left = size >> 1;
      for (let p = lo; p < hi; p++) side[p] = p < lo + left ? 0 : 1;
    }
    // Stable partition through the scratch array: left side first.
    let l = lo;
    let r = lo + left;
    for (let p = lo; p < hi; p++) scratch[side[p] === 0 ? l++ : r++] = perm[p]!;
    perm.set(scratch.subarray(lo, hi), lo);
    stack.push(lo + left, hi, lo, lo + left);
  }
  leafStart[leaves] = rows;
});

/**
 * For each row of chunk `chunk` (ROW_CHUNK rows), fills its heap (dist, idx, isNew [rows, k], fresh: Infinity, -1,
 * 0) with the nearest of the rows sharing one of its leaves in the `trees` trees, each distinct row measured once;
 * a row whose leaves hold fewer than k others is topped up with random rows. Counts insertions in updates[chunk].
 */
export const leafInitChunk = kernelTask(import.meta.url, "leafInitChunk", (chunk, args) => {
  const data = args.data as Float32Array;
  const rows = args.rows as number;
  const cols = args.cols as number;
  const k = args.k as number;
  const trees = args.trees as number;
  const perm = args.perm as Int32Array;
  const leafOf = args.leafOf as Int32Array;
  const leafStart = args.leafStart as Int32Array;
  const dist = args.dist as Float64Array;
  const idx = args.idx as Int32Array;
  const isNew = args.isNew as Uint8Array;
  const marks = visitMarks(rows);
  let updates = 0;
  let measured = 0;
  const end = Math.min(rows, (chunk + 1) * ROW_CHUNK);
  for (let i = chunk * ROW_CHUNK; i < end; i++) {
    const stamp = nextStamp();
    marks[i] = stamp;
    const base = i * k;
    for (let t = 0; t < trees; t++) {
      const leaf = leafOf[t * rows + i]!;
      const from = leafStart[t * (rows + 1) + leaf]!;
      const to = leafStart[t * (rows + 1) + leaf + 1]!;
      for (let p = from; p < to; p++) {
        const q = perm[t * rows + p]!;
        if (marks[q] === stamp) continue;
        marks[q] = stamp;
        measured++;
        const d = distanceSqBelow(data, cols, i, q, dist[base]!);
        if (d < dist[base]!) {
          replaceRoot(dist, idx, isNew, base, k, d, q);
          updates++;
        }
      }
    }
    if (idx[base]! < 0) {
      const rng = createRng(streamSeed(args.seed as number, i, 0x68e31da4));
      while (idx[base]! < 0) {
        const q = Math.floor(rng() * rows);
        if (marks[q] === stamp) continue;
        marks[q] = stamp;
        measured++;
        replaceRoot(dist, idx, isNew, base, k, distanceSqBelow(data, cols, i, q, Infinity), q);
        updates++;
      }
    }
  }
  (args.updates as Int32Array)[chunk] = updates;
  (args.measured as Int32Array)[chunk] = measured;
});

/**
 * Renumbers the rows in the first tree's leaf order, so rows close in space sit close in memory and the neighbours'
 * neighbours NN-descent reads come from a few cache-friendly regions. Rewrites perm and leafOf [trees, rows] in the
 * new numbers; returns the rows' data [rows, cols] in that order and label [rows] (label[new] = old row number).
 */
export function relabelByLeaves(
  data: Float32Array,
  rows: number,
  cols: number,
  trees: number,
  perm: Int32Array,
  leafOf: Int32Array,
): { data: Float32Array; label: Int32Array } {
  const label = sharedInt32(rows);
  label.set(perm.subarray(0, rows));
  const inverse = new Int32Array(rows);
  for (let r = 0; r < rows; r++) inverse[label[r]!] = r;
  const moved = sharedFloat32(rows * cols);
  for (let r = 0; r < rows; r++) moved.set(data.subarray(label[r]! * cols, label[r]! * cols + cols), r * cols);
  const scratch = new Int32Array(rows);
  for (let t = 0; t < trees; t++) {
    const treePerm = perm.subarray(t * rows, (t + 1) * rows);
    const treeLeafOf = leafOf.subarray(t * rows, (t + 1) * rows);
    for (let p = 0; p < rows; p++) treePerm[p] = inverse[treePerm[p]!]!;
    for (let r = 0; r < rows; r++) scratch[inverse[r]!] = treeLeafOf[r]!;
    treeLeafOf.set(scratch);
  }
  return { data: moved, label };
}
