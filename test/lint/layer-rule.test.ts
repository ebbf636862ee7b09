// The layer rule bites: dependency-cruiser with the project's own config, on small trees written to a temp folder.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cruise, type ICruiseOptions, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

const CONFIG = path.resolve(".dependency-cruiser.cjs");

let options: ICruiseOptions;
const dirs: string[] = [];

beforeAll(async () => {
  options = await extractDepcruiseOptions(CONFIG);
});
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (path → source) into a fresh folder laid out like the project, with its node_modules linked. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mnist-lens-layers-"));
  dirs.push(dir);
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), source);
  }
  symlinkSync(path.resolve("node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

/** The rule violations dependency-cruiser reports on the tree in `dir`, as "rule: from → to". */
async function violations(dir: string): Promise<string[]> {
  const { output } = await cruise(
    ["lib", "test"].filter((top) => existsSync(path.join(dir, top))),
    // The folder link keeps node_modules/… paths, as the rules name them; the project's tsconfig is not needed.
    { ...options, baseDir: dir, preserveSymlinks: true, tsConfig: undefined },
  );
  const result = output as ICruiseResult;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

const CORE = { "lib/core/constants.ts": "export const NUM_CLASSES = 10;\n" };
const DB = { "lib/db/client.ts": "export const classes = 10;\n" };

describe("the layer rule (.dependency-cruiser.cjs)", () => {
  it("reports a module of lib/core importing lib/db, an upward import", async () => {
    const dir = tree({
      ...CORE,
      ...DB,
      "lib/core/upward.ts": 'import { classes } from "../db/client";\nexport const n = classes;\n',
    });
    expect(await violations(dir)).toEqual(["layer-core: lib/core/upward.ts → lib/db/client.ts"]);
  });

  it("passes the same config on imports that run down: lib/db and lib/features onto lib/core", async () => {
    const dir = tree({
      ...CORE,
      "lib/db/client.ts": 'import { NUM_CLASSES } from "../core/constants";\nexport const classes = NUM_CLASSES;\n',
      "lib/features/train/run.ts":
        'import { classes } from "../../db/client";\nimport { NUM_CLASSES } from "../../core/constants";\nexport const n = classes + NUM_CLASSES;\n',
    });
    expect(await violations(dir)).toEqual([]);
  });

  it("reports lib/db running lib/numeric's code, and allows naming its types", async () => {
    const numeric = {
      "lib/numeric/knn.ts": "export type Neighbour = { index: number };\nexport const knn = (k: number) => k;\n",
    };
    const types = tree({
      ...numeric,
      "lib/db/store.ts": 'import type { Neighbour } from "../numeric/knn";\nexport const none: Neighbour[] = [];\n',
    });
    expect(await violations(types)).toEqual([]);
    const code = tree({
      ...numeric,
      "lib/db/store.ts": 'import { knn } from "../numeric/knn";\nexport const k = knn(5);\n',
    });
    expect(await violations(code)).toEqual(["layer-db-numeric-types-only: lib/db/store.ts → lib/numeric/knn.ts"]);
  });

  it("reports a cycle between two modules of one folder, and a cycle between two folders of lib/features", async () => {
    const modules = tree({
      "lib/numeric/a.ts": 'import { b } from "./b";\nexport const a = () => b();\n',
      "lib/numeric/b.ts": 'import { a } from "./a";\nexport const b = (): number => (a ? 1 : 0);\n',
    });
    // One report per cycle, from whichever module the cruise met first.
    expect(await violations(modules)).toEqual([
      expect.stringMatching(/^no-circular: lib\/numeric\/(a|b)\.ts → lib\/numeric\/(a|b)\.ts$/),
    ]);
    const folders = tree({
      "lib/features/jobs/worker.ts": 'import { train } from "../train/run";\nexport const work = () => train();\n',
      "lib/features/jobs/name.ts": "export const JOB = 'job';\n",
      "lib/features/train/run.ts": 'import { JOB } from "../jobs/name";\nexport const train = () => JOB;\n',
    });
    expect(await violations(folders)).toEqual(
      expect.arrayContaining([
        "no-folder-cycle: lib/features/jobs → lib/features/train",
        "no-folder-cycle: lib/features/train → lib/features/jobs",
      ]),
    );
  });

  it("reports database packages and generated clients imported outside lib/db, and not in lib/db or test/", async () => {
    const generated = { "generated/kysely/types.ts": "export interface DB { Run: { id: number } }\n" };
    const outside = tree({
      ...generated,
      "lib/features/jobs/queue.ts":
        'import { sql } from "kysely";\nimport type { DB } from "../../../generated/kysely/types";\nexport const q = (db: DB) => [sql, db];\n',
    });
    expect((await violations(outside)).sort()).toEqual([
      "db-access-only-in-lib-db: lib/features/jobs/queue.ts → generated/kysely/types.ts",
      expect.stringMatching(/^db-access-only-in-lib-db: lib\/features\/jobs\/queue\.ts → node_modules\/kysely\//),
    ]);
    const inside = tree({
      ...generated,
      "lib/db/queue.ts":
        'import { sql } from "kysely";\nimport type { DB } from "../../generated/kysely/types";\nexport const q = (db: DB) => [sql, db];\n',
      "test/helpers/db.ts":
        'import Database from "better-sqlite3";\nexport const open = () => new Database(":memory:");\n',
    });
    expect(await violations(inside)).toEqual([]);
  });

  it("reports reaching past lib/model/wasm-kernels/index.ts, but not through it or from the package's own tests", async () => {
    const kernels = {
      "lib/model/wasm-kernels/gemm.ts": "export const gemm = () => 1;\n",
      "lib/model/wasm-kernels/index.ts": 'export { gemm } from "./gemm";\n',
    };
    const past = tree({
      ...kernels,
      "lib/model/backend.ts": 'import { gemm } from "./wasm-kernels/gemm";\nexport const g = gemm;\n',
    });
    expect(await violations(past)).toEqual([
      "package-entry-model-wasm-kernels: lib/model/backend.ts → lib/model/wasm-kernels/gemm.ts",
    ]);
    const through = tree({
      ...kernels,
      "lib/model/backend.ts": 'import { gemm } from "./wasm-kernels";\nexport const g = gemm;\n',
      "test/model/wasm-kernels/gemm.test.ts":
        'import { gemm } from "../../../lib/model/wasm-kernels/gemm";\nexport const g = gemm;\n',
    });
    expect(await violations(through)).toEqual([]);
  });
});
