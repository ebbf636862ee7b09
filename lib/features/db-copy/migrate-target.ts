// Brings a copy's target to the current schema before anything is written: `prisma migrate deploy` for a SQLite file,
// our runner for PostgreSQL (creating the database when it is missing), as `npm run db:migrate` does.
import "server-only";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { databaseEngine } from "../../env";
import { ensurePostgresDatabase, migratePostgres } from "../../db/migrate-postgres";

const run = promisify(execFile);

/** Migrates the database `url` names; returns what it did, for the log. */
export async function migrateDatabase(url: string): Promise<string> {
  if (databaseEngine(url) === "sqlite") {
    await run("npx", ["prisma", "migrate", "deploy"], {
      env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    });
    return "migrated (prisma migrate deploy)";
  }
  const created = await ensurePostgresDatabase(url);
  const applied = await migratePostgres(url);
  return `${created ? "created, " : ""}${applied.length} migration(s) applied`;
}
