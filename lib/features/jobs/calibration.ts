// The machine's measured training speed, from the most recent recorded epochs: what the admin form's time
// estimate multiplies the architecture's FLOPs by.
import "server-only";
import type { Db } from "../../db/client";
import { listRecentEpochTimings } from "../../db/runs";
import { trainConfigSchema, type Architecture } from "../../core/train-config";
import { MEASURED_CALIBRATION, type Calibration } from "../../core/job-estimate";
import { forwardFlopsPerDigit } from "../../core/param-count";

/** How many recent epochs the medians are taken over. */
const RECENT_EPOCHS = 30;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface EpochSpeed {
  kind: Architecture["kind"];
  runId: number;
  nsPerTrainFlop: number;
  nsPerEvalFlop: number;
}

function calibrationOf(speeds: EpochSpeed[], label: string): Calibration {
  const runs = [...new Set(speeds.map((s) => s.runId))];
  return {
    nsPerTrainFlop: median(speeds.map((s) => s.nsPerTrainFlop)),
    nsPerEvalFlop: median(speeds.map((s) => s.nsPerEvalFlop)),
    overheadMs: MEASURED_CALIBRATION.overheadMs,
    source: `median of the last ${speeds.length} ${label}epoch${speeds.length === 1 ? "" : "s"} (run${runs.length === 1 ? "" : "s"} ${runs.map((r) => `#${r}`).join(", ")})`,
  };
}

/** Per architecture kind: that kind's recent epochs, else any recent epochs, else the measured constant. */
export async function fetchCalibrations(db: Db): Promise<Record<Architecture["kind"], Calibration>> {
  const epochs = await listRecentEpochTimings(db, RECENT_EPOCHS);
  const speeds: EpochSpeed[] = [];
  for (const e of epochs) {
    let config;
    try {
      config = trainConfigSchema.safeParse(JSON.parse(e.run.config));
    } catch {
      continue;
    }
    if (!config.success || e.run.trainSize <= 0) continue;
    const flops = forwardFlopsPerDigit(config.data.architecture);
    speeds.push({
      kind: config.data.architecture.kind,
      runId: e.run.id,
      nsPerTrainFlop: (e.durationMs * 1e6) / (e.run.trainSize * 3 * flops),
      nsPerEvalFlop: (Math.max(e.evalMs, 1) * 1e6) / ((e.run.valSize + e.run.testSize) * flops),
    });
  }
  const forKind = (kind: Architecture["kind"]): Calibration => {
    const same = speeds.filter((s) => s.kind === kind);
    if (same.length > 0) return calibrationOf(same, `${kind.toUpperCase()} `);
    if (speeds.length > 0) return calibrationOf(speeds, "");
    return MEASURED_CALIBRATION;
  };
  return { mlp: forKind("mlp"), cnn: forKind("cnn") };
}
