// Run by claim-race.test.ts in separate processes: says "ready" once loaded, waits for "go" on stdin, then claims
// jobs until the queue is empty and prints the ids as JSON.
import { createInterface } from "node:readline";
import { openDatabase } from "../../../lib/db/client";
import { claimNextJob } from "../../../lib/features/jobs/queue";

const db = openDatabase(process.env.DATABASE_URL!);
const workerId = `race-${process.pid}`;
// Touch the database first, so no racer spends its start opening the file while the others claim.
await db.kysely.selectFrom("Job").select("id").limit(1).execute();
const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.on("line", (line) => line === "go" && resolve()));
console.log("ready");
await go;
lines.close();
const ids: number[] = [];
for (let job = await claimNextJob(db, workerId); job; job = await claimNextJob(db, workerId)) ids.push(job.id);
console.log(JSON.stringify(ids));
await db.close();
