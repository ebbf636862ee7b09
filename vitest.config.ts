// Test runner configuration: three projects (unit, integration, e2e) over test/, node environment, server-only
// allowed, one migrated template database per project run.
import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

/**
 * Training, the job worker and its child processes, heavier databases, the t-SNE reference comparison (exact
 * t-SNE in tsne-js, 10–20 s alone), UMAP on real digits beside umap-js (~20 s of CPU) and the t-SNE thread and
 * repulsion comparisons (full runs on real digits): minutes in all, one file at a time.
 */
const INTEGRATION = [
  "test/features/train/**/*.test.ts",
  "test/features/jobs/claim-race.test.ts",
  "test/features/jobs/follower.test.ts",
  "test/features/jobs/pair-stage.test.ts",
  "test/features/jobs/presets.test.ts",
  "test/features/jobs/projection-stage.test.ts",
  "test/features/jobs/worker-faults.test.ts",
  "test/features/jobs/worker-db-faults.test.ts",
  "test/features/jobs/workers.test.ts",
  "test/features/pairs/pair-precompute.test.ts",
  "test/features/projection/project-run.test.ts",
  "test/features/projection/layout.test.ts",
  "test/model/wasm-kernels/cnn-training.test.ts",
  "test/model/wasm-kernels/training.test.ts",
  "test/numeric/tsne/quality-large.test.ts",
  "test/numeric/tsne/ann-recall.test.ts",
  "test/numeric/tsne/reference.test.ts",
  "test/numeric/umap/digits.test.ts",
  "test/numeric/tsne/threads.test.ts",
  "test/model/attribution.test.ts",
  "test/features/explain/**/*.test.ts",
  "test/features/db-copy/copy-database.test.ts",
];

/**
 * The data layer's, queue's and job API's tests that run on both engines: once in the unit project on SQLite and
 * once in the postgres project on a PostgreSQL database of their own (TEST_POSTGRES_URL, created per test).
 */
const BOTH_ENGINES = [
  "test/db/**/*.test.ts",
  "test/features/jobs/queue.test.ts",
  "test/features/jobs/submit.test.ts",
  "test/features/jobs/sweeps.test.ts",
  "test/features/jobs/notified-wait.test.ts",
];

/**
 * Unit files that read tfjs's global state as their modules load (registration.test.ts keeps tfjs's own kernels
 * from before anything replaces them): each gets its modules afresh, after the other unit files (unit-model).
 */
const UNIT_ISOLATED = ["test/model/**/*.test.ts"];

/** The multi-host test: its own config (vitest.cluster.config.ts, `npm run test:cluster`), never in these projects. */
const CLUSTER = ["test/cluster/**/*.test.ts"];

/** The production build served by `next start`: Chromium pages, and the API and restart tests that need a server. */
const E2E = ["test/e2e/**/*.test.ts", "test/features/auth/api.test.ts", "test/features/jobs/restart.test.ts"];

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Tests run lib/ modules as the server does; server-only's react-server build is this empty module.
      "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    environment: "node",
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          // Every test file not listed below: pure code and small databases, seconds each.
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...INTEGRATION, ...E2E, ...CLUSTER, ...UNIT_ISOLATED],
          // Nothing here trains or starts a process, so two files at a time share the 2 cores well.
          fileParallelism: true,
          maxWorkers: 2,
          // Each worker keeps its modules from file to file: importing them afresh for each of the 100 files took
          // about half the suite (31 s of imports, 65 s in all, in a fresh-clone CI run). The files here set the
          // shared state they need (the tfjs backend, an environment variable) and restore it.
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          // Run with unit (scripts/test.sh), after it.
          name: "unit-model",
          include: UNIT_ISOLATED,
          exclude: [...configDefaults.exclude, ...INTEGRATION],
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: "postgres",
          include: BOTH_ENGINES,
          env: { TEST_DATABASE_ENGINE: "postgres" },
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: INTEGRATION,
          // Two files at a time: half of these wait on processes (workers, stale timeouts, servers) rather than
          // compute, and every test waits for conditions, not for fixed times (about a third faster on 2 cores).
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: E2E,
          // The app server, Chromium and the worker share the 2 cores: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
