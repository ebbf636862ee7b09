// A throwaway, migrated SQLite database per test (a copy of the template made in global setup).
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { openDatabase, type Db } from "../../lib/db/client";

export interface TestDb extends Db {
  file: string;
  cleanup(): Promise<void>;
}

export function createTestDb(): TestDb {
  const template = inject("templateDb");
  const dir = mkdtempSync(path.join(os.tmpdir(), "mnist-lens-test-"));
  const file = path.join(dir, "test.db");
  copyFileSync(template, file);
  const db = openDatabase(`file:${file}`);
  return {
    ...db,
    file,
    async cleanup() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
