// Entry point of `npm run train`: parse flags, pick the backend, train and record one run.
import { TRAIN_EXIT, abortOnStopSignals, isPrintedJsonEvent } from "../lib/features/cli/stop-signals";
import { runScript } from "../lib/features/cli/flags";
import { readEnv } from "../lib/env";
import { openDatabase } from "../lib/db/client";
import { countActiveOrSucceededRuns, failStaleRuns } from "../lib/db/runs";
import { initBackend } from "../lib/model/backend";
import { CliError, TRAIN_USAGE, parseTrainArgs } from "../lib/features/train/cli-args";
import {
  formatBatchBar,
  formatDuration,
  formatEpochLine,
  formatFollowerWait,
} from "../lib/features/train/progress-text";
import { runTraining, type TrainEvent } from "../lib/features/train/run-training";

const EXIT = TRAIN_EXIT;

async function main(): Promise<number> {
  let cli;
  try {
    cli = parseTrainArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof CliError) {
      if (err.message === "help") {
        console.log(TRAIN_USAGE);
        return EXIT.ok;
      }
      console.error(`train: ${err.message}\n\n${TRAIN_USAGE}`);
      return EXIT.usage;
    }
    throw err;
  }
  const env = readEnv();
  const db = openDatabase(env.DATABASE_URL);
  try {
    const stale = await failStaleRuns(db);
    if (stale > 0) console.error(`marked ${stale} run(s) whose process had died as failed`);
    if (cli.ifNone && (await countActiveOrSucceededRuns(db)) > 0) {
      console.log("a run already exists (running or succeeded): nothing to train (drop --if-none to train another)");
      return EXIT.ok;
    }
    const backend = await initBackend(cli.backend ?? env.TFJS_BACKEND);
    const stop = abortOnStopSignals();

    const tty = Boolean(process.stdout.isTTY) && !cli.jsonEvents;
    const print = (event: TrainEvent) => {
      if (cli.jsonEvents) {
        if (isPrintedJsonEvent(event)) console.log(JSON.stringify(event));
        return;
      }
      switch (event.type) {
        case "start":
          console.log(
            `run ${event.runId}: ${cli.config.name} on ${backend.name} (${backend.version}), ${event.params.toLocaleString("en-US")} params, ` +
              `${event.trainSize} train / ${event.valSize} validation / ${event.testSize} test digits, ${event.batchesPerEpoch} batches per epoch`,
          );
          if (backend.fallbackReason) console.log(`  backend fallback: ${backend.fallbackReason}`);
          break;
        case "baseline":
          console.log(`untrained: test loss ${event.loss.toFixed(4)}, accuracy ${event.accuracy.toFixed(4)}`);
          break;
        case "batch":
          if (tty) process.stdout.write(`\r${formatBatchBar(event)}\x1b[K`);
          break;
        case "epoch":
          console.log(`${tty ? "\r\x1b[K" : ""}${formatEpochLine(event)}`);
          break;
        case "follower-wait":
          console.log(`${tty ? "\r\x1b[K" : ""}${formatFollowerWait(event)}`);
          break;
        case "final":
          console.log(
            `best checkpoint on the test set: loss ${event.testLoss.toFixed(4)}, accuracy ${event.testAccuracy.toFixed(4)}, ${event.misclassified} misclassified`,
          );
          break;
        case "end":
          console.log(`${tty ? "\r\x1b[K" : ""}run ${event.status}${event.error ? `: ${event.error}` : ""}`);
          break;
      }
    };
    const started = performance.now();
    const { runId, status } = await runTraining(db, cli.config, {
      backend,
      signal: stop,
      onEvent: print,
      ...(cli.jobId !== undefined ? { jobId: cli.jobId } : {}),
      ...(cli.followerWaitMs !== undefined ? { followerWaitMs: cli.followerWaitMs } : {}),
    });
    if (!cli.jsonEvents) console.log(`run ${runId} ${status} in ${formatDuration(performance.now() - started)}`);
    return status === "succeeded" ? EXIT.ok : status === "cancelled" ? EXIT.cancelled : EXIT.failed;
  } finally {
    await db.close();
  }
}

runScript("train", main, { failedCode: EXIT.failed });
