// The precomputed separation scores (PairSeparation rows): what is stored, reads for the pair pages, and writes.
import "server-only";
import type { Db } from "./client";
import { sqlDate } from "./sql";
import type { PairScore } from "../numeric/pairs/separation";

/** One stored (or computed) figure of a pair: a layer after an epoch (the pixels: PIXELS_LAYER, epoch 0). */
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
const toCell = (r: CellRow): SeparationCell => ({
  ...r,
  knnPurity: r.knnPurity ?? Number.NaN,
  silhouette: r.silhouette ?? Number.NaN,
});

export const cellId = (layerIndex: number, epoch: number) => `${layerIndex}/${epoch}`;

const CELL_COLUMNS = ["layerIndex", "epoch", "knnPurity", "silhouette", "count"] as const;

/** The stored cells of one run and pair (a < b) for neighbour count k, keyed by cellId. */
export async function listStoredCells(
  db: Db,
  runId: number,
  a: number,
  b: number,
  k: number,
): Promise<Map<string, SeparationCell>> {
  const rows = await db.kysely
    .selectFrom("PairSeparation")
    .select(CELL_COLUMNS)
    .where((eb) => eb.and({ runId, k, a, b }))
    .execute();
  return new Map(rows.map((r) => [cellId(r.layerIndex, r.epoch), toCell(r)]));
}

/** One stored cell of a run and pair, or undefined. */
export async function getStoredCell(
  db: Db,
  runId: number,
  a: number,
  b: number,
  k: number,
  layerIndex: number,
  epoch: number,
): Promise<SeparationCell | undefined> {
  const row = await db.kysely
    .selectFrom("PairSeparation")
    .select(CELL_COLUMNS)
    .where((eb) => eb.and({ runId, k, a, b, layerIndex, epoch }))
    .executeTakeFirst();
  return row && toCell(row);
}

/** The sources (cellId of layer × epoch) of a run whose 45 pairs are all stored for k. */
export async function listCompleteSources(db: Db, runId: number, k: number): Promise<Set<string>> {
  const rows = await db.kysely
    .selectFrom("PairSeparation")
    .select(["layerIndex", "epoch"])
    .where("runId", "=", runId)
    .where("k", "=", k)
    .groupBy(["layerIndex", "epoch"])
    .having((eb) => eb.fn.countAll(), "=", PAIR_COUNT)
    .execute();
  return new Set(rows.map((r) => cellId(r.layerIndex, r.epoch)));
}

/** Stores the 45 pairs' scores of one source in one statement, replacing any earlier rows for the same k. */
export async function storeSourceScores(
  db: Db,
  runId: number,
  source: { layerIndex: number; epoch: number },
  k: number,
  scores: readonly PairScore[],
): Promise<void> {
  if (scores.length === 0) return;
  const finite = (v: number) => (Number.isNaN(v) ? null : v);
  const now = sqlDate();
  await db.kysely
    .insertInto("PairSeparation")
    .values(
      scores.map((s) => ({
        runId,
        a: s.a,
        b: s.b,
        layerIndex: source.layerIndex,
        epoch: source.epoch,
        k,
        knnPurity: finite(s.knnPurity),
        silhouette: finite(s.silhouette),
        count: s.count,
        createdAt: now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(["runId", "k", "a", "b", "layerIndex", "epoch"]).doUpdateSet((eb) => ({
        knnPurity: eb.ref("excluded.knnPurity"),
        silhouette: eb.ref("excluded.silhouette"),
        count: eb.ref("excluded.count"),
        createdAt: eb.ref("excluded.createdAt"),
      })),
    )
    .execute();
}
