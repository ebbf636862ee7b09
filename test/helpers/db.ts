// A throwaway, migrated database per test: a copy of the SQLite template made in global setup, or (for the tests
// that run on both engines) a PostgreSQL database cloned from the migrated template database when
// TEST_DATABASE_ENGINE=postgres.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { openDatabase, openSqlite, type Db, type SqliteDb } from "../../lib/db/client";

export type TestDb = SqliteDb & {
  file: string;
  cleanup(): Promise<void>;
};

export type EngineTestDb = Db & {
  cleanup(): Promise<void>;
};

/** A SQLite test database (tests that reach into the file itself, or spawn processes on it). */
export function createTestDb(): TestDb {
  const template = inject("templateDb");
  const dir = mkdtempSync(path.join(os.tmpdir(), "mnist-lens-test-"));
  const file = path.join(dir, "test.db");
  copyFileSync(template, file);
  const db = openSqlite(`file:${file}`);
  return {
    ...db,
    file,
    async cleanup() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The engine the dual-engine tests run on in this project: TEST_DATABASE_ENGINE (sqlite by default). */
export function testEngine(): "sqlite" | "postgres" {
  return process.env.TEST_DATABASE_ENGINE === "postgres" ? "postgres" : "sqlite";
}

let counter = 0;

/** A fresh database on the project's engine: SQLite as createTestDb, or a PostgreSQL clone of the template. */
export async function createEngineTestDb(busyTimeoutMs?: number): Promise<EngineTestDb> {
  if (testEngine() === "sqlite") {
    const db = createTestDb();
    return db;
  }
  const { serverUrl, template } = inject("postgresTemplate");
  const name = `mnist_lens_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = openDatabase(url.toString(), busyTimeoutMs);
  return {
    ...db,
    async cleanup() {
      await db.close();
      const drop = new pg.Client({ connectionString: serverUrl });
      await drop.connect();
      try {
        await drop.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await drop.end();
      }
    },
  } as EngineTestDb;
}
