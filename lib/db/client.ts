// Opens the database: Prisma (JS engine over better-sqlite3) for simple queries, Kysely for typed statements.
import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { DB } from "../../generated/kysely/types";
import { PrismaClient } from "../../generated/prisma/client";
import { readEnv, sqlitePath } from "../env";

export type Prisma = PrismaClient;

/**
 * Prisma for simple typed queries; `kysely` types every other statement (row types generated from the Prisma
 * schema by prisma-kysely) and runs it on `sqlite`, a direct better-sqlite3 connection to the same file, which
 * also carries MB-sized blobs where Prisma's adapter is measured too slow (scripts/bench/db-blobs.ts).
 * Only lib/db uses these fields; everything above it calls lib/db's named functions.
 */
export interface Db {
  prisma: PrismaClient;
  kysely: Kysely<DB>;
  sqlite: Database.Database;
  url: string;
  close(): Promise<void>;
}

/** Opens `url`; statements wait up to `busyTimeoutMs` (default DATABASE_BUSY_TIMEOUT_MS, 15 s) for a write lock. */
export function openDatabase(url: string, busyTimeoutMs: number = readEnv().DATABASE_BUSY_TIMEOUT_MS): Db {
  const file = sqlitePath(url);
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file, { timeout: busyTimeoutMs });
  // WAL lets the dashboard read while a trainer writes; the setting persists in the file.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  const prisma = new PrismaClient({
    adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout: busyTimeoutMs }),
  });
  // Kysely shares the one connection: it never closes it (close() below does), and SQLite sees one writer.
  const kysely = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    prisma,
    kysely,
    sqlite,
    url,
    async close() {
      await prisma.$disconnect();
      sqlite.close();
    },
  };
}

const globalForDb = globalThis as unknown as { mnistLensDb?: Db };

/** The process-wide database from DATABASE_URL; survives Next's hot reload. */
export function getDb(): Db {
  globalForDb.mnistLensDb ??= openDatabase(readEnv().DATABASE_URL);
  return globalForDb.mnistLensDb;
}
