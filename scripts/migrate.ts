// npm run db:migrate: brings DATABASE_URL's database to the current schema (lib/features/db-migrate: SQLite through
// `prisma migrate deploy`, PostgreSQL through our runner, creating the database first if it is missing).
import { readEnv } from "../lib/env";
import { migrateDatabase } from "../lib/features/db-migrate/migrate-database";

async function main(): Promise<void> {
  const url = readEnv().DATABASE_URL;
  // Never the password: the scheme, host and path only.
  const where = new URL(url);
  const shown = url.startsWith("file:") ? url : `${where.protocol}//${where.host}${where.pathname}`;
  console.log(`${shown}: ${await migrateDatabase(url)}`);
}

main().catch((err: unknown) => {
  console.error(`db:migrate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
