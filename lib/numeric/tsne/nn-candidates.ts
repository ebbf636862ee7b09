// Each NN-descent round's candidate lists: a sample of every row's new and old neighbours, forward and reverse, drawn row by row in fixed chunks.
import { kernelTask } from "../parallel";
import { nextStamp, pushCandidate, visitMarks } from "./nn-heap";
import { ROW_CHUNK } from "./rp-forest";

/** The heaps being improved: [rows, k] each, row i's farthest entry at i * k; isNew flags entries not yet joined. */
export interface NeighbourHeaps {
  dist: Float64Array;
  idx: Int32Array;
  isNew: Uint8Array;
}

/**
 * One round's candidates. newIdx/oldIdx [rows, m]: up to m rows (-1 for none) drawn among each row's new / already
 * joined neighbours, forward (in its heap) or reverse (it is in theirs); newPri/oldPri [rows, m] are the draws.
 * revStart [rows + 1] and revEntries [rows · k]: who holds row i in its heap, as j · 2 + (entry new ? 1 : 0).
 * rcStart [rows + 1] and rcEntries [2 · rows · m]: the rows u whose lists hold row i, as u · 2 + 1 when i is in u's
 * new list and u · 2 when in its old one. cursor [rows] is scratch; drawn [chunks] counts new candidates per chunk.
 */
export interface Candidates {
  m: number;
  newIdx: Int32Array;
  oldIdx: Int32Array;
  newPri: Float64Array;
  oldPri: Float64Array;
  revStart: Int32Array;
  revEntries: Int32Array;
  rcStart: Int32Array;
  rcEntries: Int32Array;
  cursor: Int32Array;
  drawn: Int32Array;
}

/**
 * Who holds each row in its heap, with the entry's new flag as it is now (the sampling kernel then flips flags of
 * its own rows only, and reads other rows' flags from here). Serial counting sort, O(rows · k).
 */
export function reverseHeaps({ idx, isNew }: NeighbourHeaps, rows: number, k: number, cand: Candidates): void {
  const { revStart, revEntries, cursor } = cand;
  revStart.fill(0);
  for (let e = 0; e < rows * k; e++) if (idx[e]! >= 0) revStart[idx[e]! + 1]!++;
  for (let i = 0; i < rows; i++) revStart[i + 1] = revStart[i + 1]! + revStart[i]!;
  cursor.set(revStart.subarray(0, rows));
  for (let j = 0; j < rows; j++) {
    for (let e = j * k; e < j * k + k; e++) {
      const i = idx[e]!;
      if (i >= 0) revEntries[cursor[i]!++] = j * 2 + isNew[e]!;
    }
  }
}

/** The rows whose candidate lists hold each row (rcStart, rcEntries), in row order. Serial, O(rows · m). */
export function reverseCandidates(rows: number, cand: Candidates): void {
  const { m, newIdx, oldIdx, rcStart, rcEntries, cursor } = cand;
  rcStart.fill(0);
  for (let t = 0; t < rows * m; t++) {
    if (newIdx[t]! >= 0) rcStart[newIdx[t]! + 1]!++;
    if (oldIdx[t]! >= 0) rcStart[oldIdx[t]! + 1]!++;
  }
  for (let i = 0; i < rows; i++) rcStart[i + 1] = rcStart[i + 1]! + rcStart[i]!;
  cursor.set(rcStart.subarray(0, rows));
  for (let u = 0; u < rows; u++) {
    for (let t = u * m; t < u * m + m; t++) {
      const qn = newIdx[t]!;
      if (qn >= 0) rcEntries[cursor[qn]!++] = u * 2 + 1;
      const qo = oldIdx[t]!;
      if (qo >= 0) rcEntries[cursor[qo]!++] = u * 2;
    }
  }
}

/**
 * The draw of heap entry (owner → member) this round: a hash of both and the round's key, uniform on 0 … 2³² - 1.
 * Row `owner` offering `member` and row `member` receiving `owner` back see the same draw, as with pynndescent's
 * one random number per entry, without either reading the other's state.
 */
export function drawOf(key: number, owner: number, member: number): number {
  let h = Math.imul(owner, 0x9e3779b1) ^ Math.imul(member ^ 0x7f4a7c15, 0x85ebca77) ^ key;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Draws the candidate lists of chunk `chunk`'s rows (ROW_CHUNK rows) as pynndescent does: each neighbour, forward
 * or reverse, gets its draw and goes to the new or old list by its flag, each list keeping the m lowest draws.
 * Then the row's new neighbours that made its new list are flagged old (they are joined this round). Reads the
 * reverse lists and writes only its own rows. drawn[chunk] = new candidates drawn (0 everywhere: nothing to join).
 */
export const sampleChunk = kernelTask(import.meta.url, "sampleChunk", (chunk, args) => {
  const rows = args.rows as number;
  const k = args.k as number;
  const m = args.m as number;
  const key = args.key as number;
  const idx = args.idx as Int32Array;
  const isNew = args.isNew as Uint8Array;
  const newIdx = args.newIdx as Int32Array;
  const oldIdx = args.oldIdx as Int32Array;
  const newPri = args.newPri as Float64Array;
  const oldPri = args.oldPri as Float64Array;
  const revStart = args.revStart as Int32Array;
  const revEntries = args.revEntries as Int32Array;
  const marks = visitMarks(rows);
  let drawn = 0;
  const end = Math.min(rows, (chunk + 1) * ROW_CHUNK);
  for (let i = chunk * ROW_CHUNK; i < end; i++) {
    const base = i * m;
    newIdx.fill(-1, base, base + m);
    oldIdx.fill(-1, base, base + m);
    newPri.fill(Infinity, base, base + m);
    oldPri.fill(Infinity, base, base + m);
    for (let e = i * k; e < i * k + k; e++) {
      const j = idx[e]!;
      if (j < 0) continue;
      if (isNew[e] === 1) pushCandidate(newPri, newIdx, base, m, drawOf(key, i, j), j);
      else pushCandidate(oldPri, oldIdx, base, m, drawOf(key, i, j), j);
    }
    for (let e = revStart[i]!; e < revStart[i + 1]!; e++) {
      const j = revEntries[e]! >> 1;
      if ((revEntries[e]! & 1) === 1) pushCandidate(newPri, newIdx, base, m, drawOf(key, j, i), j);
      else pushCandidate(oldPri, oldIdx, base, m, drawOf(key, j, i), j);
    }
    const stamp = nextStamp();
    for (let t = base; t < base + m; t++) {
      if (newIdx[t]! < 0) continue;
      marks[newIdx[t]!] = stamp;
      drawn++;
    }
    for (let e = i * k; e < i * k + k; e++) if (isNew[e] === 1 && marks[idx[e]!] === stamp) isNew[e] = 0;
  }
  (args.drawn as Int32Array)[chunk] = drawn;
});
