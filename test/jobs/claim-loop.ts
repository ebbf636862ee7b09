// Run by claim-race.test.ts in separate processes: claims jobs until the queue is empty, prints the ids as JSON.
import { openDatabase } from "../../lib/db/client";
import { claimNextJob } from "../../lib/features/jobs/queue";

const db = openDatabase(process.env.DATABASE_URL!);
const workerId = `race-${process.pid}`;
// Start together: wait for the wall-clock instant the test chose.
const startAt = Number(process.argv[2]);
while (Date.now() < startAt) await new Promise((r) => setTimeout(r, 1));
const ids: number[] = [];
for (let job = claimNextJob(db, workerId); job; job = claimNextJob(db, workerId)) ids.push(job.id);
console.log(JSON.stringify(ids));
await db.close();
