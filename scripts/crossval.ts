// Entry point of `npm run crossval`: k-fold cross-validation of the training digits with the train CLI's flags plus
// --folds, storing the out-of-fold probabilities [trainSize, 10] for the /labels page's training-set suspects.
import { TRAIN_EXIT, abortOnStopSignals, isPrintedJsonEvent } from "../lib/features/cli/stop-signals";
import { runScript } from "../lib/features/cli/flags";
import { readEnv } from "../lib/env";
import { openDatabase } from "../lib/db/client";
import { initBackend } from "../lib/model/backend";
import { CliError, TRAIN_USAGE, parseTrainArgs } from "../lib/features/train/cli-args";
import { formatDuration } from "../lib/features/train/progress-text";
import { MAX_FOLDS, MIN_FOLDS, runCrossval, type CrossvalEvent } from "../lib/features/train/crossval";

const EXIT = TRAIN_EXIT;

const USAGE = `usage: npm run crossval -- --folds K [train flags]
  --folds K               folds, ${MIN_FOLDS}..${MAX_FOLDS} (default 4): K models, each trained on the other folds
                          for --epochs epochs and predicting its own fold (no validation split, last weights)
Every other flag is npm run train's (--arch, --epochs, --train-size, --seed, --events json, --job-id ...):
${TRAIN_USAGE.split("\n").slice(1).join("\n")}`;

/** Takes --folds (as "--folds K" or "--folds=K") out of argv; the rest is the train CLI's. */
function takeFolds(argv: string[]): { folds: number; rest: string[] } {
  const rest: string[] = [];
  let raw: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--folds") raw = argv[++i] ?? "";
    else if (arg.startsWith("--folds=")) raw = arg.slice("--folds=".length);
    else rest.push(arg);
  }
  if (raw === undefined) return { folds: 4, rest };
  const folds = /^\d{1,2}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(folds >= MIN_FOLDS && folds <= MAX_FOLDS))
    throw new CliError(`--folds must be an integer from ${MIN_FOLDS} to ${MAX_FOLDS}, got "${raw.slice(0, 20)}"`);
  return { folds, rest };
}

async function main(): Promise<number> {
  let cli;
  let folds: number;
  try {
    const taken = takeFolds(process.argv.slice(2));
    folds = taken.folds;
    cli = parseTrainArgs(taken.rest);
  } catch (err) {
    if (err instanceof CliError) {
      if (err.message === "help") {
        console.log(USAGE);
        return EXIT.ok;
      }
      console.error(`crossval: ${err.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw err;
  }
  const env = readEnv();
  const db = openDatabase(env.DATABASE_URL);
  try {
    const backend = await initBackend(cli.backend ?? env.TFJS_BACKEND);
    const stop = abortOnStopSignals();
    const print = (event: CrossvalEvent) => {
      if (cli.jsonEvents) {
        if (isPrintedJsonEvent(event)) console.log(JSON.stringify(event));
        return;
      }
      switch (event.type) {
        case "crossval-start":
          console.log(
            `cross-validation: ${event.folds} folds of ${event.trainSize.toLocaleString("en-US")} training digits, ` +
              `${cli.config.name} for ${event.epochs} epochs each, on ${backend.name} (${backend.version})`,
          );
          break;
        case "fold-epoch":
          console.log(
            `  fold ${event.fold} epoch ${event.epoch}/${event.epochs}: loss ${event.loss.toFixed(4)}, ` +
              `accuracy ${event.accuracy.toFixed(4)} (${formatDuration(event.durationMs)})`,
          );
          break;
        case "fold":
          console.log(
            `fold ${event.fold}/${event.folds}: held-out accuracy ${event.accuracy.toFixed(4)} on ${event.heldOut} digits ` +
              `(${formatDuration(event.durationMs)})`,
          );
          break;
        case "crossval-end":
          console.log(`cross-validation ${event.status}${event.resultId ? `: result ${event.resultId} stored` : ""}`);
          break;
      }
    };
    const started = performance.now();
    const { status } = await runCrossval(db, cli.config, {
      folds,
      backend,
      signal: stop,
      onEvent: print,
      ...(cli.jobId !== undefined ? { jobId: cli.jobId } : {}),
    });
    if (!cli.jsonEvents) console.log(`done in ${formatDuration(performance.now() - started)}`);
    return status === "succeeded" ? EXIT.ok : EXIT.cancelled;
  } finally {
    await db.close();
  }
}

runScript("crossval", main, { failedCode: EXIT.failed });
