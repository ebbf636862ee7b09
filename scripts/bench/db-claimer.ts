// One claimer process of `npm run bench:db`: opens DATABASE_URL, says "ready", waits for "go" on stdin, then claims
// jobs with lib/db's claimQueuedJob and marks each succeeded until the queue is empty; prints one JSON line.
import { createInterface } from "node:readline";
import { openDatabase } from "../../lib/db/client";
import { countJobsByStatus } from "../../lib/db/job-counts";
import { claimQueuedJob, finishJob } from "../../lib/db/jobs";
import { readEnv } from "../../lib/env";

/** What the bench reads from the last stdout line. Times are epoch ms (comparable across processes). */
export interface ClaimerReport {
  workerId: string;
  ids: number[];
  startMs: number;
  endMs: number;
  /** Claims that came back empty while the queue still held queued jobs (a lost race), then retried. */
  emptyWhileQueued: number;
}

const now = () => performance.timeOrigin + performance.now();

const db = openDatabase(readEnv().DATABASE_URL);
const workerId = `bench-${process.pid}`;
// Open the connection before "ready", so no claimer spends its start connecting while the others claim.
await countJobsByStatus(db);
const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.on("line", (line) => line === "go" && resolve()));
console.log("ready");
await go;
lines.close();

const report: ClaimerReport = { workerId, ids: [], startMs: now(), endMs: 0, emptyWhileQueued: 0 };
for (;;) {
  const job = await claimQueuedJob(db, workerId);
  if (!job) {
    // An empty answer can mean another claimer took the row this one picked: the queue is empty only if none is left.
    if ((await countJobsByStatus(db)).queued === 0) break;
    report.emptyWhileQueued++;
    continue;
  }
  report.ids.push(job.id);
  if (!(await finishJob(db, job.id, workerId, "succeeded", null)))
    throw new Error(`job ${job.id}: claimed by ${workerId} but no longer its running job`);
}
report.endMs = now();
console.log(JSON.stringify(report));
await db.close();
