// Entry point of `npm run worker`: runs queued training jobs one at a time until stopped (Ctrl-C / SIGTERM).
import { parseArgs } from "node:util";
import { z } from "zod";
import { runScript } from "../lib/features/cli/flags";
import { readEnv } from "../lib/env";
import { openDatabase } from "../lib/db/client";
import { parseTrainConfig } from "../lib/core/train-config";
import { enqueueIfEmpty, STALE_JOB_MS } from "../lib/db/jobs";
import { runWorker } from "../lib/features/jobs/worker";
import { createWorkerIdentity } from "../lib/features/jobs/worker-presence";
import { DEFAULT_FOLLOWER_WAIT_MS, MAX_FOLLOWER_WAIT_MS } from "../lib/features/train/follower-wait";

const USAGE = `usage: npm run worker -- [flags]
  --seed-if-empty       first queue the seed job (16 epochs, 60,000 digits) if the database has no run and no job
  --exit-when-idle      stop when the queue is empty instead of waiting for jobs
  --no-projections      the projection follower (beside training) computes no layouts
  --no-pairs            the projection follower stores no pair figures (with both, it is not started)
  --poll-ms N           idle wait between looks at the queue, 100..60000 (default 1000)
  --stale-job-ms N      a running job without a heartbeat for this long is queued again for another worker,
                        2000..3600000 (default ${STALE_JOB_MS}); every worker on a database should use the same
  --follower-wait-ms N  before recording each epoch, training waits up to N ms for the follower's figures of the
                        previous one, 0..60000 (default ${DEFAULT_FOLLOWER_WAIT_MS}; 0: never waits)
  --check-env           only validate the environment (DATABASE_URL, TFJS_BACKEND, ADMIN_PASSWORD) and exit
environment: WORKER_HOST names this worker's host on /admin (default the machine's host name)`;

const argsSchema = z.object({
  "seed-if-empty": z.boolean().default(false),
  "exit-when-idle": z.boolean().default(false),
  "no-projections": z.boolean().default(false),
  "no-pairs": z.boolean().default(false),
  "check-env": z.boolean().default(false),
  "poll-ms": z.coerce.number().int().min(100).max(60_000).default(1000),
  "stale-job-ms": z.coerce.number().int().min(2000).max(3_600_000).default(STALE_JOB_MS),
  "follower-wait-ms": z.coerce.number().int().min(0).max(MAX_FOLLOWER_WAIT_MS).default(DEFAULT_FOLLOWER_WAIT_MS),
});

async function main(): Promise<number> {
  let args: z.infer<typeof argsSchema>;
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      options: {
        "seed-if-empty": { type: "boolean" },
        "exit-when-idle": { type: "boolean" },
        "no-projections": { type: "boolean" },
        "no-pairs": { type: "boolean" },
        "check-env": { type: "boolean" },
        "poll-ms": { type: "string" },
        "stale-job-ms": { type: "string" },
        "follower-wait-ms": { type: "string" },
        help: { type: "boolean" },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const parsed = argsSchema.safeParse(values);
    if (!parsed.success)
      throw new Error(parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
    args = parsed.data;
  } catch (err) {
    console.error(`worker: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let env;
  let identity;
  try {
    env = readEnv();
    identity = createWorkerIdentity(process.env.WORKER_HOST);
  } catch (err) {
    console.error(`worker: ${(err as Error).message}`);
    return 1;
  }
  if (args["check-env"]) return 0;
  const db = openDatabase(env.DATABASE_URL);
  const workerId = identity.id;
  const controller = new AbortController();
  const force = new AbortController();
  let signals = 0;
  // First signal: the training stops after its current batch. Second: it is killed (the job is recorded failed). Third: exit.
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 2) process.exit(130);
    if (signals === 2) {
      console.log(
        `worker ${workerId}: ${signal} again: killing the training now (send once more to quit without recording it)`,
      );
      force.abort();
      return;
    }
    console.log(
      `worker ${workerId}: ${signal}: finishing (a running training stops after its current batch; send again to kill it)`,
    );
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    if (args["seed-if-empty"]) {
      const jobId = await enqueueIfEmpty(db, parseTrainConfig({}), "npm run up (seed job)");
      console.log(
        jobId === null
          ? "worker: runs or jobs exist already, no seed job queued"
          : `worker: queued the seed job as job ${jobId}`,
      );
    }
    await runWorker({
      db,
      workerId,
      host: identity.host,
      signal: controller.signal,
      killSignal: force.signal,
      env: process.env,
      pollMs: args["poll-ms"],
      staleJobMs: args["stale-job-ms"],
      exitWhenIdle: args["exit-when-idle"],
      skipProjections: args["no-projections"],
      skipPairs: args["no-pairs"],
      followerWaitMs: args["follower-wait-ms"],
    });
    return 0;
  } finally {
    await db.close();
  }
}

runScript("worker", main, { stack: true });
