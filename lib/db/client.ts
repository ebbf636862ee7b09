// Opens the database named by DATABASE_URL: SQLite (a file) or PostgreSQL (a server), Prisma and Kysely on either.
import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import type { DB } from "../../generated/kysely/types";
import { PrismaClient } from "../../generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "../../generated/prisma-pg/client";
import { databaseEngine, readEnv, sqlitePath } from "../env";
import { postgresConnection, SQLITE_SHAPED_TYPES } from "./postgres-types";

export type Prisma = PrismaClient;

interface DbBase {
  prisma: PrismaClient;
  kysely: Kysely<DB>;
  url: string;
  close(): Promise<void>;
}

/**
 * Prisma for simple typed queries; `kysely` types every other statement (row types generated from the SQLite schema
 * by prisma-kysely, and PostgreSQL's rows are parsed into the same shapes: postgres-types.ts). On SQLite, `sqlite` is
 * the direct better-sqlite3 connection Kysely runs on, which carries MB-sized blobs where Prisma's adapter is measured
 * too slow (scripts/bench/db-blobs.ts); on PostgreSQL, `pool` is the pg pool Kysely runs on, for the same reason.
 * Only lib/db uses these fields; everything above it calls lib/db's named functions.
 */
export type Db =
  | (DbBase & { engine: "sqlite"; sqlite: Database.Database; pool?: undefined })
  | (DbBase & { engine: "postgres"; pool: pg.Pool; sqlite?: undefined });

export type SqliteDb = Extract<Db, { engine: "sqlite" }>;

/** Opens `url`; statements wait up to `busyTimeoutMs` (default DATABASE_BUSY_TIMEOUT_MS, 15 s) for a lock. */
export function openDatabase(url: string, busyTimeoutMs: number = readEnv().DATABASE_BUSY_TIMEOUT_MS): Db {
  return databaseEngine(url) === "postgres" ? openPostgres(url, busyTimeoutMs) : openSqlite(url, busyTimeoutMs);
}

export function openSqlite(url: string, busyTimeoutMs: number = readEnv().DATABASE_BUSY_TIMEOUT_MS): SqliteDb {
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
    engine: "sqlite",
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

function openPostgres(url: string, busyTimeoutMs: number): Db {
  const connection = postgresConnection(url, busyTimeoutMs);
  const pool = new pg.Pool({ ...connection, max: 8, types: SQLITE_SHAPED_TYPES });
  // An idle client's error (the server restarted, say) must not crash the process: the next query reports it.
  pool.on("error", () => {});
  const kysely = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  // Prisma's own pool, with pg's default parsers: its client maps rows to the schema's types itself. The two
  // generated clients have the same models and methods; only the provider they were generated for differs.
  const adapter = new PrismaPg({ ...connection, max: 4 });
  const prisma = new PostgresPrismaClient({ adapter }) as unknown as PrismaClient;
  return {
    engine: "postgres",
    prisma,
    kysely,
    pool,
    url,
    async close() {
      await prisma.$disconnect();
      await kysely.destroy();
    },
  };
}

const globalForDb = globalThis as unknown as { mnistLensDb?: Db };

/** The process-wide database from DATABASE_URL; survives Next's hot reload. */
export function getDb(): Db {
  globalForDb.mnistLensDb ??= openDatabase(readEnv().DATABASE_URL);
  return globalForDb.mnistLensDb;
}
