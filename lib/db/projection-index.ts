// Named reads behind the live explorer and pair pages: the catalog of a run's layouts (no coordinates) and what is
// stored so far, counted cheaply enough to answer a poll every two seconds.
import "server-only";
import type { Db } from "./client";

/** Every projection of a run as the explorer's catalog lists it: key, quality figures and algorithm; no coordinates. */
export async function listProjectionCatalog(db: Db, runId: number) {
  return db.prisma.projection.findMany({
    where: { runId },
    select: {
      subset: true,
      layerIndex: true,
      method: true,
      epoch: true,
      iteration: true,
      final: true,
      rows: true,
      knnAccuracy: true,
      trustworthiness: true,
      klDivergence: true,
      algorithm: true,
      neighbours: true,
    },
  });
}

/** What a run is doing: its status, epochs, its job's status and stage (null without a job), final predictions stored. */
export interface RunActivity {
  status: string;
  epochsPlanned: number;
  epochsRecorded: number;
  job: { status: string; stage: string } | null;
  hasFinalPredictions: boolean;
}

export async function getRunActivity(db: Db, runId: number): Promise<RunActivity | null> {
  const run = await db.prisma.run.findUnique({
    where: { id: runId },
    select: {
      status: true,
      epochsPlanned: true,
      job: { select: { status: true, stage: true } },
      predictions: { select: { id: true } },
      _count: { select: { epochs: true } },
    },
  });
  if (!run) return null;
  return {
    status: run.status,
    epochsPlanned: run.epochsPlanned,
    epochsRecorded: run._count.epochs,
    job: run.job,
    hasFinalPredictions: run.predictions !== null,
  };
}

/**
 * How much of a run is stored: layouts (count, last id, last write: a replaced layout keeps its id but not its
 * write time), embeddings, and pair separation cells (count, last id): three aggregate statements, each over one run's
 * rows of its table's runId-first unique index.
 */
export interface StoredCounts {
  layouts: number;
  lastLayoutId: number | null;
  lastLayoutAt: string | null;
  embeddings: number;
  cells: number;
  lastCellId: number | null;
}

export async function getStoredCounts(db: Db, runId: number): Promise<StoredCounts> {
  const [layouts, embeddings, cells] = await Promise.all([
    db.kysely
      .selectFrom("Projection")
      .select((eb) => [
        eb.fn.countAll<number>().as("n"),
        eb.fn.max("id").as("lastId"),
        eb.fn.max("createdAt").as("lastAt"),
      ])
      .where("runId", "=", runId)
      .executeTakeFirstOrThrow(),
    db.kysely
      .selectFrom("Embedding")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("runId", "=", runId)
      .executeTakeFirstOrThrow(),
    db.kysely
      .selectFrom("PairSeparation")
      .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.max("id").as("lastId")])
      .where("runId", "=", runId)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    layouts: Number(layouts.n),
    lastLayoutId: layouts.lastId ?? null,
    lastLayoutAt: layouts.lastAt === null ? null : String(layouts.lastAt),
    embeddings: Number(embeddings.n),
    cells: Number(cells.n),
    lastCellId: cells.lastId ?? null,
  };
}
