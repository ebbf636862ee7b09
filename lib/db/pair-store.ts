// The precomputed separation scores (PairSeparation rows): what is stored, reads for the pair pages, and writes.
import "server-only";
import type { Db } from "./client";
import type { PairScore } from "../numeric/pairs/separation";

/** One stored (or computed) figure of a pair: a layer after an epoch (the pixels: layer -1, epoch 0). */
export interface SeparationCell {
  layerIndex: number;
  epoch: number;
  knnPurity: number;
  silhouette: number;
  /** Probe digits of either class. */
  count: number;
}

/** Pairs of distinct digits: a source (layer × epoch) is complete when all of them are stored. */
export const PAIR_COUNT = 45;

interface CellRow {
  layerIndex: number;
  epoch: number;
  knnPurity: number | null;
  silhouette: number | null;
  count: number;
}

/** SQLite has no NaN (it stores NULL): a pair with fewer than two digits of a class reads back as NaN. */
const toCell = (r: CellRow): SeparationCell => ({ ...r, knnPurity: r.knnPurity ?? Number.NaN, silhouette: r.silhouette ?? Number.NaN });

export const cellId = (layerIndex: number, epoch: number) => `${layerIndex}/${epoch}`;

/** The stored cells of one run and pair (a < b) for neighbour count k, keyed by cellId. */
export function listStoredCells(db: Db, runId: number, a: number, b: number, k: number): Map<string, SeparationCell> {
  const rows = db.sqlite
    .prepare("SELECT layerIndex, epoch, knnPurity, silhouette, count FROM PairSeparation WHERE runId = ? AND k = ? AND a = ? AND b = ?")
    .all(runId, k, a, b) as CellRow[];
  return new Map(rows.map((r) => [cellId(r.layerIndex, r.epoch), toCell(r)]));
}

/** One stored cell of a run and pair, or undefined. */
export function getStoredCell(db: Db, runId: number, a: number, b: number, k: number, layerIndex: number, epoch: number): SeparationCell | undefined {
  const row = db.sqlite
    .prepare("SELECT layerIndex, epoch, knnPurity, silhouette, count FROM PairSeparation WHERE runId = ? AND k = ? AND a = ? AND b = ? AND layerIndex = ? AND epoch = ?")
    .get(runId, k, a, b, layerIndex, epoch) as CellRow | undefined;
  return row && toCell(row);
}

/** The sources (cellId of layer × epoch) of a run whose 45 pairs are all stored for k. */
export function listCompleteSources(db: Db, runId: number, k: number): Set<string> {
  const rows = db.sqlite
    .prepare("SELECT layerIndex, epoch FROM PairSeparation WHERE runId = ? AND k = ? GROUP BY layerIndex, epoch HAVING COUNT(*) = ?")
    .all(runId, k, PAIR_COUNT) as Array<{ layerIndex: number; epoch: number }>;
  return new Set(rows.map((r) => cellId(r.layerIndex, r.epoch)));
}

/** Stores the 45 pairs' scores of one source in one transaction, replacing any earlier rows for the same k. */
export function storeSourceScores(db: Db, runId: number, source: { layerIndex: number; epoch: number }, k: number, scores: readonly PairScore[]): void {
  const insert = db.sqlite.prepare(
    `INSERT INTO PairSeparation (runId, a, b, layerIndex, epoch, k, knnPurity, silhouette, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (runId, k, a, b, layerIndex, epoch) DO UPDATE SET knnPurity = excluded.knnPurity, silhouette = excluded.silhouette, count = excluded.count`,
  );
  const finite = (v: number) => (Number.isNaN(v) ? null : v);
  db.sqlite.transaction(() => {
    for (const s of scores) insert.run(runId, s.a, s.b, source.layerIndex, source.epoch, k, finite(s.knnPurity), finite(s.silhouette), s.count);
  })();
}
