// Worker tests' shared pieces: queue a small job, run the worker in this process, stand-in stage commands.
import { parseJobForm } from "../../lib/core/job-params";
import { enqueueJob } from "../../lib/db/jobs";
import { runWorker, type WorkerOptions } from "../../lib/features/jobs/worker";
import type { TestDb } from "./db";

/** Queues `count` jobs of one small form (fields as on the admin page) and returns their ids. */
export async function enqueueSmallJobs(db: TestDb, fields: Record<string, unknown>, count = 1): Promise<number[]> {
  const form = parseJobForm(fields);
  if (!form.ok) throw new Error(`job form fixture invalid: ${JSON.stringify(form)}`);
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push(await enqueueJob(db, form.config, "test"));
  return ids;
}

/**
 * Runs a worker in this process on `db` (children on the wasm backend) until the queue is empty; returns the
 * number of jobs it ran and the lines it logged. `options` adds or overrides WorkerOptions (stages, commands).
 */
export async function runWorkerInProcess(
  db: TestDb,
  options: Partial<WorkerOptions> = {},
): Promise<{ ran: number; lines: string[] }> {
  const lines: string[] = [];
  const ran = await runWorker({
    db,
    workerId: "in-process",
    signal: new AbortController().signal,
    env: { ...process.env, DATABASE_URL: `file:${db.file}`, TFJS_BACKEND: "wasm" },
    exitWhenIdle: true,
    log: (line) => lines.push(line),
    ...options,
  });
  return { ran, lines };
}

/**
 * A node command that prints "stage seen by <who>: <the job's stage in the database>", writes `stderr` when
 * `code` is not 0, and exits with `code`.
 */
export function fakeStageCommand(file: string, jobId: number, code: number, who: string, stderr: string): string[] {
  const script = `
    const Database = require("better-sqlite3");
    const row = new Database(${JSON.stringify(file)}).prepare("SELECT stage FROM Job WHERE id = ?").get(${jobId});
    console.log(${JSON.stringify(`stage seen by ${who}: `)} + row.stage);
    if (${code} !== 0) console.error(${JSON.stringify(stderr)});
    process.exit(${code});`;
  return [process.execPath, "-e", script];
}
