// Label reviews (an admin's verdict on a digit's label, history kept) and cross-validation results (out-of-fold
// probabilities of the training set): every statement on the LabelReview and CrossvalResult tables.
import "server-only";
import type { Db } from "./client";
import { blobToFloat32, blobToUint8, toBlob } from "./blobs";
import { sqlDate } from "./sql";

export interface LabelReviewRow {
  id: number;
  subset: string;
  digitIndex: number;
  verdict: string;
  correctedLabel: number | null;
  sessionId: string;
  createdAt: string;
}

export async function insertLabelReview(
  db: Db,
  review: { subset: string; digitIndex: number; verdict: string; correctedLabel: number | null; sessionId: string },
): Promise<number> {
  const row = await db.kysely
    .insertInto("LabelReview")
    .values({ ...review, createdAt: sqlDate() })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The latest review of each reviewed digit of `subset` (the highest id wins), by digit index. */
export async function listLatestLabelReviews(db: Db, subset: string): Promise<LabelReviewRow[]> {
  return db.kysely
    .selectFrom("LabelReview as r")
    .selectAll("r")
    .where("r.subset", "=", subset)
    .where("r.id", "=", (eb) =>
      eb
        .selectFrom("LabelReview as l")
        .select((e) => e.fn.max("l.id").as("id"))
        .whereRef("l.subset", "=", "r.subset")
        .whereRef("l.digitIndex", "=", "r.digitIndex"),
    )
    .orderBy("r.digitIndex")
    .execute();
}

/** Every review ever made, oldest first (the CSV export keeps the history). */
export async function listLabelReviewHistory(db: Db): Promise<LabelReviewRow[]> {
  return db.kysely.selectFrom("LabelReview").selectAll().orderBy("id").execute();
}

export interface NewCrossvalResult {
  folds: number;
  /** TrainConfig as JSON. */
  settings: string;
  trainSize: number;
  foldAccuracies: number[];
  /** uint8 [trainSize] */
  foldOf: Uint8Array;
  /** float32 [trainSize, 10] */
  probs: Float32Array;
  durationMs: number;
  jobId?: number;
}

/** Stores a finished cross-validation through better-sqlite3 (a 2.4 MB blob is slow through Prisma's adapter). */
export async function insertCrossvalResult(db: Db, result: NewCrossvalResult): Promise<number> {
  const row = await db.kysely
    .insertInto("CrossvalResult")
    .values({
      folds: result.folds,
      settings: result.settings,
      trainSize: result.trainSize,
      foldAccuracies: JSON.stringify(result.foldAccuracies),
      foldOf: toBlob(result.foldOf),
      probs: toBlob(result.probs),
      durationMs: Math.round(result.durationMs),
      jobId: result.jobId ?? null,
      createdAt: sqlDate(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface CrossvalResultRow {
  id: number;
  folds: number;
  settings: string;
  trainSize: number;
  foldAccuracies: number[];
  foldOf: Uint8Array;
  probs: Float32Array;
  durationMs: number;
  createdAt: string;
}

/** The newest cross-validation (or the one with `id`), blobs decoded; null when there is none. */
export async function getCrossvalResult(db: Db, id?: number): Promise<CrossvalResultRow | null> {
  let query = db.kysely.selectFrom("CrossvalResult").selectAll().orderBy("id", "desc").limit(1);
  if (id !== undefined) query = query.where("id", "=", id);
  const row = await query.executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    folds: row.folds,
    settings: row.settings,
    trainSize: row.trainSize,
    foldAccuracies: JSON.parse(row.foldAccuracies) as number[],
    foldOf: blobToUint8(row.foldOf),
    probs: blobToFloat32(row.probs),
    durationMs: row.durationMs,
    createdAt: row.createdAt,
  };
}

/** Succeeded runs with stored test predictions, oldest first: the sources the /labels page offers. */
export async function listRunsWithPredictions(db: Db) {
  return db.kysely
    .selectFrom("Run as r")
    .innerJoin("TestPredictions as p", "p.runId", "r.id")
    .select(["r.id", "r.name", "r.architecture", "r.config", "r.testAccuracy", "p.count"])
    .where("r.status", "=", "succeeded")
    .orderBy("r.id")
    .execute();
}
