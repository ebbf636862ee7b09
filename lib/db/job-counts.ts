// How many jobs the queue holds in each status: tells an empty queue from a claim that lost a race.
import "server-only";
import type { Db } from "./client";
import { JOB_STATUSES, isJobStatus, type JobStatus } from "./jobs";

/** Jobs per status, every status present (0 when none). */
export async function countJobsByStatus(db: Db): Promise<Record<JobStatus, number>> {
  const rows = await db.kysely
    .selectFrom("Job")
    .select((eb) => ["status", eb.fn.countAll().as("count")])
    .groupBy("status")
    .execute();
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  for (const row of rows) if (isJobStatus(row.status)) counts[row.status] = Number(row.count);
  return counts;
}
