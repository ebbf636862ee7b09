// Runs a short real training into a test database (wasm backend, small subsets).
import { initBackend } from "../../lib/model/backend";
import { parseTrainConfig, type TrainConfigInput } from "../../lib/core/train-config";
import { runTraining, type TrainEvent } from "../../lib/features/train/run-training";
import type { Db } from "../../lib/db/client";

export const SHORT_RUN: TrainConfigInput = {
  name: "short",
  epochs: 2,
  trainSize: 3000,
  testSize: 1000,
  probeSize: 200,
  seed: 1,
};

export async function trainShortRun(db: Db, overrides: TrainConfigInput = {}) {
  const backend = await initBackend("wasm");
  const events: TrainEvent[] = [];
  const config = parseTrainConfig({ ...SHORT_RUN, ...overrides });
  const result = await runTraining(db, config, { backend, onEvent: (e) => events.push(e) });
  return { ...result, events, config, backend };
}
