// The queue half of `npm run bench:db`: K jobs queued, then W claimer processes (db-claimer.ts) released together claim
// and finish them until none is left; jobs per second and a check that every job went to exactly one claimer.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Db } from "../../lib/db/client";
import { countJobsByStatus } from "../../lib/db/job-counts";
import { enqueueJobs, listRecentJobs } from "../../lib/db/jobs";
import { parseTrainConfig } from "../../lib/core/train-config";
import type { ClaimerReport } from "./db-claimer";

export interface ClaimResult {
  workers: number;
  jobs: number;
  jobsPerSecond: number;
  /** Jobs claimed more than once, or never, or left with attempts other than 1 or by another worker than reported. */
  duplicates: number;
  lost: number;
  /** Empty claims while jobs were still queued (lost races), summed over the claimers. */
  emptyWhileQueued: number;
  /** Jobs each claimer took. */
  shares: number[];
}

/** A claimer process on `url`: `ready` once it has opened the database, `report` when it exits 0. */
function startClaimer(url: string) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "scripts/bench/db-claimer.ts"],
    { env: { ...process.env, DATABASE_URL: url }, stdio: ["pipe", "pipe", "pipe"] },
  );
  let stderr = "";
  let last = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      last = line;
      if (line === "ready") resolve();
    });
    child.once("exit", (code) => reject(new Error(`claimer exited with ${code} before it was ready: ${stderr}`)));
  });
  const report = new Promise<ClaimerReport>((resolve, reject) => {
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(last) as ClaimerReport) : reject(new Error(`claimer exited ${code}: ${stderr}`)),
    );
  });
  return { ready, report, go: () => child.stdin!.end("go\n") };
}

/** Queues `jobs` jobs on `db`, then lets `workers` claimer processes on `url` drain the queue. */
export async function benchClaims(db: Db, url: string, jobs: number, workers: number): Promise<ClaimResult> {
  const before = await countJobsByStatus(db);
  if (before.queued + before.running > 0) throw new Error(`the queue is not empty: ${JSON.stringify(before)}`);
  const config = parseTrainConfig({ epochs: 1 });
  const ids = await enqueueJobs(db, Array<typeof config>(jobs).fill(config), "bench:db");
  const claimers = Array.from({ length: workers }, () => startClaimer(url));
  // Released together once every process has loaded and connected: the timing is of claims, not of startups.
  await Promise.all(claimers.map((c) => c.ready));
  for (const c of claimers) c.go();
  const reports = await Promise.all(claimers.map((c) => c.report));

  const seconds = (Math.max(...reports.map((r) => r.endMs)) - Math.min(...reports.map((r) => r.startMs))) / 1000;
  const claimedBy = new Map<number, string[]>();
  for (const r of reports) for (const id of r.ids) claimedBy.set(id, [...(claimedBy.get(id) ?? []), r.workerId]);
  const stored = new Map((await listRecentJobs(db, jobs)).map((j) => [j.id, j]));
  let duplicates = 0;
  let lost = 0;
  for (const id of ids) {
    const by = claimedBy.get(id) ?? [];
    const row = stored.get(id);
    if (by.length === 0 || row?.status !== "succeeded") lost++;
    else if (by.length > 1 || row.attempts !== 1 || row.workerId !== by[0]) duplicates++;
  }
  return {
    workers,
    jobs,
    jobsPerSecond: jobs / seconds,
    duplicates,
    lost,
    emptyWhileQueued: reports.reduce((sum, r) => sum + r.emptyWhileQueued, 0),
    shares: reports.map((r) => r.ids.length),
  };
}
