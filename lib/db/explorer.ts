// Named reads of the embedding explorer: one layout's stored bytes, the probe set's per-epoch probabilities.
import "server-only";
import type { Db } from "./client";
import { sourceColumns } from "./source-columns";
import type { ProjectionKey } from "../core/projection";

/** One projection's row as stored: id, size, the float32 [rows, 2] bytes and when it was written; null when absent. */
export async function getProjectionBytes(db: Db, runId: number, key: ProjectionKey) {
  const row = await db.kysely
    .selectFrom("Projection")
    .select(["id", "rows", "coords", "createdAt"])
    .where((eb) => eb.and({ ...sourceColumns(runId, key), method: key.method, iteration: key.iteration }))
    .executeTakeFirst();
  return row ?? null;
}

/** The probe set's float32 [probeSize, 10] probabilities after every epoch that recorded them, as stored bytes, oldest first. */
export async function listProbeProbs(db: Db, runId: number): Promise<Array<{ epoch: number; probeProbs: Uint8Array }>> {
  const rows = await db.kysely
    .selectFrom("Epoch")
    .select(["epoch", "probeProbs"])
    .where("runId", "=", runId)
    .where("probeProbs", "is not", null)
    .orderBy("epoch")
    .execute();
  return rows.flatMap((r) => (r.probeProbs ? [{ epoch: r.epoch, probeProbs: r.probeProbs }] : []));
}
