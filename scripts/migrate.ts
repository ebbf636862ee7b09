// npm run db:migrate: brings DATABASE_URL's database to the current schema. SQLite: `prisma migrate deploy`;
// PostgreSQL: our runner over prisma/postgresql/migrations (creating the database first if it is missing).
import { execFileSync } from "node:child_process";
import { databaseEngine, readEnv } from "../lib/env";
import { ensurePostgresDatabase, migratePostgres } from "../lib/db/migrate-postgres";

async function main(): Promise<void> {
  const url = readEnv().DATABASE_URL;
  if (databaseEngine(url) === "sqlite") {
    execFileSync("npx", ["prisma", "migrate", "deploy"], { stdio: "inherit", env: process.env });
    return;
  }
  const where = new URL(url);
  const shown = `${where.protocol}//${where.host}${where.pathname}`;
  if (await ensurePostgresDatabase(url)) console.log(`created the database ${shown}`);
  const applied = await migratePostgres(url);
  console.log(
    applied.length === 0
      ? `${shown}: already up to date`
      : `${shown}: applied ${applied.length} migration(s): ${applied.join(", ")}`,
  );
}

main().catch((err: unknown) => {
  console.error(`db:migrate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
