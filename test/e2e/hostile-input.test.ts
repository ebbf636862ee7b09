// The hostile-input suite on SQLite, the default engine, at full size (HOSTILE_RUNS and HOSTILE_BODY_RUNS override;
// docs/benchmarks.md records the run).
import { hostileSuite } from "./hostile-suite";

hostileSuite({
  engine: "sqlite",
  runs: Number(process.env.HOSTILE_RUNS ?? 50),
  bodyRuns: Number(process.env.HOSTILE_BODY_RUNS ?? 300),
});
