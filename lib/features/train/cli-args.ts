// Parses `npm run train` flags into a validated TrainConfig; every problem is reported by flag name.
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { describeValue, parsePlainDecimal } from "../../core/plain-number";
import { backendNameSchema, type BackendName } from "../../core/backend-name";
import { parseTrainConfig, type TrainConfig } from "../../core/train-config";
import { MAX_FOLLOWER_WAIT_MS } from "./follower-wait";

export const TRAIN_USAGE = `usage: npm run train -- [flags]
  --name TEXT             run name (default "seed MLP"; no control characters)
  --notes TEXT            free text kept with the run (no control characters but tab and line breaks)
  --epochs N              epochs, 1..500 (default 16 for mlp, 12 for cnn)
  --train-size N          first N training digits, 10..60000 (default 60000; the last 20% validate)
  --test-size N           first N test digits evaluated, 10..10000 (default 10000)
  --probe-size N          test digits whose hidden activations are kept every epoch (default 2000)
  --probe-seed N          seed of the stratified probe set (default 0)
  --seed N                seed of initialisation and shuffling (default 42)
  --batch-size N          default 128
  --optimizer NAME        rmsprop | adam | sgd (default rmsprop for mlp, adam for cnn)
  --lr X                  learning rate (default 0.001)
  --validation-split X    0..0.99 (default 0.2)
  --arch mlp|cnn          seed MLP (default) or the CNN preset, each with its own optimizer and epochs
  --hidden A,B,C          MLP hidden widths (default 512,512,512)
  --dropout X             dropout rate (default 0.2 for mlp, 0.5 for cnn)
  --no-shuffle            keep training order
  --keep-epoch-weights    store every epoch's weights too (parameters × 4 bytes per epoch), for the inspector
  --backend NAME          auto | tensorflow | wasm | cpu (default: TFJS_BACKEND or auto)
  --if-none               do nothing if a run already succeeded or is running
  --events json           print one JSON event per line instead of the human progress output
  --job-id N              the queued Job this run belongs to (set by npm run worker)
  --follower-wait-ms N    a projection follower (npm run project -- --follow) runs beside: before recording each
                          epoch, wait up to N ms for its figures of the previous one, 0..60000 (default 0: no wait;
                          npm run worker sets it)`;

export interface TrainCli {
  config: TrainConfig;
  backend?: BackendName;
  ifNone: boolean;
  jsonEvents: boolean;
  jobId?: number;
  followerWaitMs?: number;
}

export class CliError extends Error {
  override name = "CliError";
}

function num(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = parsePlainDecimal(value);
  if (n === null)
    throw new CliError(
      `--${flag} must be a number, got ${describeValue(value)} (plain decimal: digits with at most one point)`,
    );
  return n;
}

const FLAG_OF: Record<string, string> = {
  epochs: "--epochs",
  trainSize: "--train-size",
  testSize: "--test-size",
  probeSize: "--probe-size",
  probeSeed: "--probe-seed",
  seed: "--seed",
  batchSize: "--batch-size",
  validationSplit: "--validation-split",
  name: "--name",
  notes: "--notes",
  learningRate: "--lr",
  hidden: "--hidden",
  dropout: "--dropout",
  kind: "--arch",
};

/** Parses argv (without node and script); throws CliError with a message naming the bad flag. */
export function parseTrainArgs(argv: string[]): TrainCli {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        name: { type: "string" },
        notes: { type: "string" },
        epochs: { type: "string" },
        "train-size": { type: "string" },
        "test-size": { type: "string" },
        "probe-size": { type: "string" },
        "probe-seed": { type: "string" },
        seed: { type: "string" },
        "batch-size": { type: "string" },
        optimizer: { type: "string" },
        lr: { type: "string" },
        "validation-split": { type: "string" },
        arch: { type: "string" },
        hidden: { type: "string" },
        dropout: { type: "string" },
        "no-shuffle": { type: "boolean" },
        "keep-epoch-weights": { type: "boolean" },
        backend: { type: "string" },
        "if-none": { type: "boolean" },
        events: { type: "string" },
        "job-id": { type: "string" },
        "follower-wait-ms": { type: "string" },
        help: { type: "boolean" },
      },
    }));
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  if (values.help) throw new CliError("help");
  const str = (k: string) => values[k] as string | undefined;
  const arch = str("arch") ?? "mlp";
  if (arch !== "mlp" && arch !== "cnn") throw new CliError(`--arch must be mlp or cnn, got "${arch}"`);
  const hidden = str("hidden")
    ?.split(",")
    .map((w) => num("hidden", w)!);
  const dropout = num("dropout", str("dropout"));
  const architecture =
    arch === "mlp"
      ? { kind: "mlp" as const, ...(hidden ? { hidden } : {}), ...(dropout !== undefined ? { dropout } : {}) }
      : { kind: "cnn" as const, ...(dropout !== undefined ? { dropout } : {}) };
  const raw = {
    ...(str("name") !== undefined ? { name: str("name") } : {}),
    ...(str("notes") !== undefined ? { notes: str("notes") } : {}),
    epochs: num("epochs", str("epochs")),
    trainSize: num("train-size", str("train-size")),
    testSize: num("test-size", str("test-size")),
    probeSize: num("probe-size", str("probe-size")),
    probeSeed: num("probe-seed", str("probe-seed")),
    seed: num("seed", str("seed")),
    batchSize: num("batch-size", str("batch-size")),
    validationSplit: num("validation-split", str("validation-split")),
    shuffle: !values["no-shuffle"],
    keepEpochWeights: Boolean(values["keep-epoch-weights"]),
    architecture,
    optimizer: {
      ...(str("optimizer") !== undefined ? { name: str("optimizer") } : {}),
      ...(str("lr") !== undefined ? { learningRate: num("lr", str("lr")) } : {}),
    },
  };
  if (arch === "cnn" && str("name") === undefined) raw.name = "CNN preset";
  let config: TrainConfig;
  try {
    config = parseTrainConfig(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  } catch (err) {
    if (err instanceof ZodError) {
      const problems = err.issues.map((i) => {
        const key = String(i.path[i.path.length - 1] ?? "");
        const flag = i.path[0] === "optimizer" && key === "name" ? "--optimizer" : (FLAG_OF[key] ?? key);
        return `${flag}: ${i.message}`;
      });
      throw new CliError(problems.join("\n"));
    }
    throw new CliError((err as Error).message);
  }
  const backend = str("backend");
  const parsedBackend = backend === undefined ? undefined : backendNameSchema.safeParse(backend);
  if (parsedBackend && !parsedBackend.success)
    throw new CliError(`--backend must be auto, tensorflow, wasm or cpu, got "${backend}"`);
  const events = str("events");
  if (events !== undefined && events !== "json") throw new CliError(`--events only accepts "json", got "${events}"`);
  const jobId = num("job-id", str("job-id"));
  if (jobId !== undefined && (!Number.isSafeInteger(jobId) || jobId < 1))
    throw new CliError(`--job-id must be a positive integer, got "${str("job-id")}"`);
  const followerWaitMs = num("follower-wait-ms", str("follower-wait-ms"));
  if (followerWaitMs !== undefined && (!Number.isInteger(followerWaitMs) || followerWaitMs > MAX_FOLLOWER_WAIT_MS))
    throw new CliError(
      `--follower-wait-ms must be an integer from 0 to ${MAX_FOLLOWER_WAIT_MS}, got "${str("follower-wait-ms")}"`,
    );
  return {
    config,
    ...(parsedBackend?.success ? { backend: parsedBackend.data } : {}),
    ifNone: Boolean(values["if-none"]),
    jsonEvents: events === "json",
    ...(jobId !== undefined ? { jobId } : {}),
    ...(followerWaitMs !== undefined ? { followerWaitMs } : {}),
  };
}
