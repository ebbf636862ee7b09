// The hostile-input suite against a server on PostgreSQL, a third of the SQLite run's inputs: the routes and their
// parsers are the same, what differs is each query's engine (HOSTILE_PG_RUNS and HOSTILE_PG_BODY_RUNS override).
import { hostileSuite } from "./hostile-suite";

hostileSuite({
  engine: "postgres",
  runs: Number(process.env.HOSTILE_PG_RUNS ?? 15),
  bodyRuns: Number(process.env.HOSTILE_PG_BODY_RUNS ?? 60),
});
