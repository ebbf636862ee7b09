// Named reads for projecting a run while it trains (the follower's poll) and for its timeline (npm run bench:live).
import "server-only";
import type { Db } from "./client";

/** What the follower needs to know about a run on each poll. */
export interface RunFollowState {
  /** running | succeeded | failed | cancelled */
  status: string;
  /** The last epoch whose probe embeddings are stored (with its Epoch row, in one transaction), 0 before the first. */
  latestEpoch: number;
  epochsPlanned: number;
  /** The training's last sign of life (batch progress, epoch records), or null. */
  progressAt: Date | null;
  /** Whether the restored checkpoint's test embeddings are stored (they are written with status succeeded). */
  finalRecorded: boolean;
}

/** The run's training progress as the follower sees it, in one statement; null for an unknown run. */
export async function getRunFollowState(db: Db, runId: number): Promise<RunFollowState | null> {
  const row = await db.kysely
    .selectFrom("Run")
    .select((eb) => [
      "status",
      "epochsPlanned",
      "progressAt",
      eb
        .selectFrom("Embedding")
        .select((e) => e.fn.max("epoch").as("m"))
        .where("Embedding.runId", "=", runId)
        .where("Embedding.subset", "=", "probe")
        .as("latestEpoch"),
      eb
        .selectFrom("Embedding")
        .select((e) => e.fn.countAll().as("c"))
        .where("Embedding.runId", "=", runId)
        .where("Embedding.subset", "=", "test")
        .as("testEmbeddings"),
    ])
    .where("id", "=", runId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    status: row.status,
    latestEpoch: Number(row.latestEpoch ?? 0),
    epochsPlanned: row.epochsPlanned,
    progressAt: row.progressAt ? new Date(row.progressAt) : null,
    finalRecorded: Number(row.testEmbeddings ?? 0) > 0,
  };
}

/** Each recorded epoch of a run: when its row was written and what training it took (ms), by epoch. */
export async function listEpochTimes(db: Db, runId: number) {
  const rows = await db.kysely
    .selectFrom("Epoch")
    .select(["epoch", "createdAt", "durationMs", "evalMs", "recordMs"])
    .where("runId", "=", runId)
    .orderBy("epoch")
    .execute();
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt) }));
}

/** Each final layout of a run: its source, method, when it was stored and how long it took (ms). */
export async function listLayoutTimes(db: Db, runId: number) {
  const rows = await db.kysely
    .selectFrom("Projection")
    .select(["subset", "epoch", "layerIndex", "method", "createdAt", "durationMs", "algorithm", "neighbours"])
    .where("runId", "=", runId)
    .where("final", "=", 1)
    .orderBy("createdAt")
    .execute();
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt) }));
}

/** When each layer × epoch's pair figures were last stored (rows without a time are left out). */
export async function listPairTimes(db: Db, runId: number) {
  const rows = await db.kysely
    .selectFrom("PairSeparation")
    .select((eb) => ["layerIndex", "epoch", eb.fn.max("createdAt").as("storedAt")])
    .where("runId", "=", runId)
    .where("createdAt", "is not", null)
    .groupBy(["layerIndex", "epoch"])
    .execute();
  return rows.flatMap((r) =>
    r.storedAt ? [{ layerIndex: r.layerIndex, epoch: r.epoch, createdAt: new Date(r.storedAt) }] : [],
  );
}

/**
 * Marks `runId` as followed: its trainer will wait for the follower's figures of each epoch before recording the next.
 * Written by the trainer before it announces the run, so the follower it starts can never come too late to count.
 */
export async function attachFollower(db: Db, runId: number): Promise<void> {
  await db.kysely.updateTable("Run").set({ followedEpoch: 0 }).where("id", "=", runId).execute();
}

/** The run has no follower any more (it ended, crashed or never started): its trainer stops waiting for one. */
export async function detachFollower(db: Db, runId: number): Promise<void> {
  await db.kysely.updateTable("Run").set({ followedEpoch: null }).where("id", "=", runId).execute();
}

/**
 * Records that `epoch`'s live figures (whatever this follower stores: layouts, pair figures or both) are stored. Only
 * on an attached run, and never backwards: a follower started again walks the stored epochs from 1.
 */
export async function markEpochFollowed(db: Db, runId: number, epoch: number): Promise<void> {
  await db.kysely
    .updateTable("Run")
    .set({ followedEpoch: epoch })
    .where("id", "=", runId)
    .where("followedEpoch", "<", epoch)
    .execute();
}

/** The attached follower's last stored epoch (0 before the first), or null when none is attached or the run is gone. */
export async function getFollowedEpoch(db: Db, runId: number): Promise<number | null> {
  const row = await db.kysely.selectFrom("Run").select("followedEpoch").where("id", "=", runId).executeTakeFirst();
  return row?.followedEpoch ?? null;
}
