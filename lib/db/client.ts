// Opens the database: Prisma (JS engine over better-sqlite3) for queries, and the raw connection for blobs.
import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../../generated/prisma/client";
import { readEnv, sqlitePath } from "../env";

export type Prisma = PrismaClient;

/**
 * Prisma for typed queries; `sqlite` is a direct better-sqlite3 connection to the same file, used where
 * Prisma's adapter is measured too slow (MB-sized blobs: see scripts/bench/db-blobs.ts).
 */
export interface Db {
  prisma: PrismaClient;
  sqlite: Database.Database;
  url: string;
  close(): Promise<void>;
}

const BUSY_TIMEOUT_MS = 15_000;

export function openDatabase(url: string): Db {
  const file = sqlitePath(url);
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  // WAL lets the dashboard read while a trainer writes; the setting persists in the file.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout: BUSY_TIMEOUT_MS }) });
  return {
    prisma,
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
