// The layer rule's ESLint half bites: client components importing server code, database clients outside lib/db.
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
});

/** The messages of `rule` for `code` linted as the file `filePath` (it need not exist), as "line: message". */
async function report(code: string, filePath: string, rule: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === rule).map((m) => `${m.line}: ${m.message}`);
}

const CLIENT_RULE = "mnist-lens/no-server-import-in-client";
const DB_RULE = "no-restricted-syntax";

describe("a client component importing server code (eslint.config.mjs)", () => {
  const imports = [
    'import { listRuns } from "@/lib/db/runs";',
    'import { trainShortRun } from "../../../../lib/features/train/run-training";',
    'import "server-only";',
    'import { readFileSync } from "node:fs";',
    'import path from "path";',
    'import type { JobView } from "@/lib/features/jobs/view";',
    'import { layoutCurves } from "@/lib/chart/curves";',
    'import { NUM_CLASSES } from "@/lib/core/constants";',
    'import { usePixels } from "./use-pixels";',
    "export const uses = [listRuns, trainShortRun, readFileSync, path, layoutCurves, NUM_CLASSES, usePixels];",
    "export type Job = JobView;",
  ].join("\n");

  it('reports lib/db, lib/features, server-only and Node built-ins in a "use client" file, not types or client-safe code', async () => {
    const messages = await report(`"use client";\n${imports}\n`, "app/runs/[id]/_components/probe.tsx", CLIENT_RULE);
    // "line: the import it names"
    const named = messages.map((m) => `${m.split(":")[0]}: ${/\("([^"]+)"\)/.exec(m)?.[1]}`);
    expect(named).toEqual([
      "2: @/lib/db/runs",
      "3: ../../../../lib/features/train/run-training",
      "4: server-only",
      "5: node:fs",
      "6: path",
    ]);
  });

  it("leaves server components alone", async () => {
    expect(await report(`${imports}\n`, "app/runs/[id]/page.tsx", CLIENT_RULE)).toEqual([]);
  });
});

describe("database clients used outside lib/db (eslint.config.mjs)", () => {
  const code = [
    'import type { Db } from "@/lib/db/client";',
    "export async function countRuns(db: Db) {",
    "  const { sqlite } = db;",
    '  return [await db.prisma.run.count(), await db.kysely.selectFrom("Run").selectAll().execute(), sqlite];',
    "}",
  ].join("\n");

  it("reports .prisma, .kysely and a destructured sqlite in lib/features, app/ and scripts/", async () => {
    for (const file of ["lib/features/jobs/probe.ts", "app/probe/page.tsx", "scripts/probe.ts"]) {
      expect(
        (await report(code, file, DB_RULE)).map((m) => m.slice(0, 2)),
        file,
      ).toEqual(["3:", "4:", "4:"]);
    }
  });

  it("allows them in lib/db, the blob benchmark and test helpers", async () => {
    for (const file of ["lib/db/probe.ts", "scripts/bench/db-blobs.ts", "test/helpers/probe.ts"]) {
      expect(await report(code, file, DB_RULE), file).toEqual([]);
    }
  });
});
