// Named reads and writes of a run's 2-D projections: metadata with Prisma, coordinates as float32 blobs via Kysely.
import "server-only";
import type { Db } from "./client";
import { blobToFloat32, toBlob } from "./blobs";
import { sqlDate } from "./sql";
import type { ProjectionKey, ProjectionMethod } from "../core/projection";
import { sourceColumns, type ProjectionSourceKey } from "./source-columns";

/** Which digits and which layer a layout is of. */
export type { ProjectionSourceKey } from "./source-columns";

/** What optimised a layout: t-SNE's repulsive forces as 'auto' chose them, or UMAP's stochastic gradient descent. */
export type LayoutAlgorithm = "fft" | "barnes-hut" | "sgd";

/** The input kNN graph of a t-SNE or UMAP layout. */
export type LayoutNeighbours = "exact" | "approximate";

/** Every projection of a run without its coordinates, ordered by subset, layer, epoch, method, iteration. */
export async function listProjections(db: Db, runId: number) {
  return db.prisma.projection.findMany({
    where: { runId },
    omit: { coords: true },
    orderBy: [{ subset: "asc" }, { layerIndex: "asc" }, { epoch: "asc" }, { method: "asc" }, { iteration: "asc" }],
  });
}

/** Coordinates [rows, 2] of one projection, or null if it is not computed. */
export async function getProjectionCoords(db: Db, runId: number, key: ProjectionKey): Promise<Float32Array | null> {
  const row = await db.kysely
    .selectFrom("Projection")
    .select("coords")
    .where((eb) => eb.and({ ...sourceColumns(runId, key), method: key.method, iteration: key.iteration }))
    .executeTakeFirst();
  return row ? blobToFloat32(row.coords) : null;
}

/** Whether the final layout of a source by `method` is stored. */
export async function hasFinalProjection(
  db: Db,
  runId: number,
  source: ProjectionSourceKey,
  method: ProjectionMethod,
): Promise<boolean> {
  const row = await db.kysely
    .selectFrom("Projection")
    .select("id")
    .where((eb) => eb.and({ ...sourceColumns(runId, source), method, final: 1 }))
    .executeTakeFirst();
  return row !== undefined;
}

/** The final coordinates [rows, 2] of a source by `method`, or null when not stored. */
export async function getFinalCoords(
  db: Db,
  runId: number,
  source: ProjectionSourceKey,
  method: ProjectionMethod,
): Promise<Float32Array | null> {
  const row = await db.kysely
    .selectFrom("Projection")
    .select("coords")
    .where((eb) => eb.and({ ...sourceColumns(runId, source), method, final: 1 }))
    .executeTakeFirst();
  return row ? blobToFloat32(row.coords) : null;
}

/** The final t-SNE coordinates [rows, 2] of a source, or null when not stored. */
export async function getFinalTsneCoords(
  db: Db,
  runId: number,
  source: ProjectionSourceKey,
): Promise<Float32Array | null> {
  return getFinalCoords(db, runId, source, "tsne");
}

/** "subset/epoch/layerIndex/method" of every final layout of a run: what a restarted projection skips. */
export async function listFinalLayoutKeys(db: Db, runId: number): Promise<Set<string>> {
  const rows = await db.kysely
    .selectFrom("Projection")
    .select(["subset", "epoch", "layerIndex", "method"])
    .where("runId", "=", runId)
    .where("final", "=", 1)
    .execute();
  return new Set(rows.map((r) => finalLayoutKey(r, r.method)));
}

/** The key listFinalLayoutKeys returns for a source and method. */
export function finalLayoutKey(
  s: ProjectionSourceKey | { subset: string; epoch: number; layerIndex: number },
  method: string,
): string {
  return `${s.subset}/${s.epoch}/${s.layerIndex}/${method}`;
}

/** A layout to store with its quality figures (null where not measured). */
export interface ProjectionRecord {
  method: ProjectionMethod;
  iteration: number;
  final: boolean;
  rows: number;
  /** float32 [rows, 2] */
  coords: Float32Array;
  knnAccuracy: number | null;
  trustworthiness: number | null;
  klDivergence: number | null;
  durationMs: number;
  /** What optimised it; null (or left out) for PCA. */
  algorithm?: LayoutAlgorithm | null;
  /** Its input kNN graph; null (or left out) for PCA. */
  neighbours?: LayoutNeighbours | null;
}

/** Stores one layout of a source, replacing a stored one with the same key. */
export async function upsertProjection(
  db: Db,
  runId: number,
  source: ProjectionSourceKey,
  p: ProjectionRecord,
): Promise<void> {
  await db.kysely
    .insertInto("Projection")
    .values({
      runId,
      subset: source.subset,
      epoch: source.epoch,
      layerIndex: source.layerIndex,
      method: p.method,
      iteration: p.iteration,
      final: p.final ? 1 : 0,
      rows: p.rows,
      coords: toBlob(p.coords),
      knnAccuracy: p.knnAccuracy,
      trustworthiness: p.trustworthiness,
      klDivergence: p.klDivergence,
      durationMs: Math.round(p.durationMs),
      algorithm: p.algorithm ?? null,
      neighbours: p.neighbours ?? null,
      createdAt: sqlDate(),
    })
    .onConflict((oc) =>
      oc.columns(["runId", "subset", "epoch", "layerIndex", "method", "iteration"]).doUpdateSet((eb) => ({
        final: eb.ref("excluded.final"),
        rows: eb.ref("excluded.rows"),
        coords: eb.ref("excluded.coords"),
        knnAccuracy: eb.ref("excluded.knnAccuracy"),
        trustworthiness: eb.ref("excluded.trustworthiness"),
        klDivergence: eb.ref("excluded.klDivergence"),
        durationMs: eb.ref("excluded.durationMs"),
        algorithm: eb.ref("excluded.algorithm"),
        neighbours: eb.ref("excluded.neighbours"),
        createdAt: eb.ref("excluded.createdAt"),
      })),
    )
    .execute();
}
