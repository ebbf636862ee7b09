// Brings a database to the current schema, by its engine: `prisma migrate deploy` for a SQLite file, our runner for
// PostgreSQL (creating the database when it is missing). `npm run db:migrate` and db:copy's target both use it.
import "server-only";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { databaseEngine } from "../../env";
import { ensurePostgresDatabase, migratePostgres } from "../../db/migrate-postgres";

const run = promisify(execFile);

/** Migrates the database `url` names; returns what it did, for the log. */
export async function migrateDatabase(url: string): Promise<string> {
  if (databaseEngine(url) === "sqlite") {
    const { stdout } = await run("npx", ["prisma", "migrate", "deploy"], {
      env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    });
    // Prisma's last line says what happened ("No pending migrations to apply.", "All migrations have been …").
    const last = stdout.trim().split("\n").at(-1)?.trim();
    return `prisma migrate deploy: ${last ?? "done"}`;
  }
  const created = await ensurePostgresDatabase(url);
  const applied = await migratePostgres(url);
  const what =
    applied.length === 0 ? "already up to date" : `applied ${applied.length} migration(s): ${applied.join(", ")}`;
  return `${created ? "created the database, " : ""}${what}`;
}
