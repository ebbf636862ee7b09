// Throwaway PostgreSQL databases for benchmarks: a fresh, uniquely named database on a server, migrated, then dropped.
import "server-only";
import pg from "pg";
import { ensurePostgresDatabase, migratePostgres } from "./migrate-postgres";

/** The URL of database `name` on the server of `serverUrl` (same role, host and options). */
function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * How the bytea columns keep large values out of line (TOAST): "lz4" as migrated (20261202300400_blob_lz4), "pglz"
 * (PostgreSQL's default, several times slower on these blobs), or "uncompressed" (STORAGE EXTERNAL).
 */
export type BlobStorage = "pglz" | "lz4" | "uncompressed";
export const BLOB_STORAGES: readonly BlobStorage[] = ["pglz", "lz4", "uncompressed"];

/** Sets every bytea column of the URL's database to `storage` (values written afterwards follow it). */
async function setBlobStorage(url: string, storage: BlobStorage): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table: string; column: string }>(
      `SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
       WHERE data_type = 'bytea' AND table_schema = current_schema()`,
    );
    const set = storage === "uncompressed" ? "SET STORAGE EXTERNAL" : `SET COMPRESSION ${storage}`;
    for (const { table, column } of rows) await client.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" ${set}`);
  } finally {
    await client.end();
  }
}

/**
 * Creates and migrates a new database named `<prefix>_<pid>_<time>` on the server of `serverUrl` (a role that may
 * create databases), its bytea columns set to `blobStorage` (default as migrated); returns its URL. The caller drops
 * it with dropScratchDatabase.
 */
export async function createScratchDatabase(
  serverUrl: string,
  prefix: string,
  blobStorage: BlobStorage = "lz4",
): Promise<string> {
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(prefix))
    throw new RangeError(`prefix must be 1-31 lowercase letters, digits or _, got "${prefix}"`);
  const url = databaseUrl(serverUrl, `${prefix}_${process.pid}_${Date.now().toString(36)}`);
  if (!(await ensurePostgresDatabase(url))) throw new Error(`database ${new URL(url).pathname} already exists`);
  await migratePostgres(url);
  if (blobStorage !== "lz4") await setBlobStorage(url, blobStorage);
  return url;
}

/** Drops the URL's database, ending any sessions still connected to it (PostgreSQL 13 or later). */
export async function dropScratchDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name) || name === "postgres")
    throw new RangeError(`url: not a scratch database name: "${name}"`);
  const client = new pg.Client({ connectionString: databaseUrl(url, "postgres") });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
