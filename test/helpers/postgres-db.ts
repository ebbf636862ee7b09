// The URL of a PostgreSQL database no one has created yet on the test server (the code under test creates and migrates
// it), dropped again by cleanup(): for tests that need PostgreSQL beside SQLite in one project (db:copy).
import pg from "pg";
import { ensurePostgresDatabase, migratePostgres } from "../../lib/db/migrate-postgres";
import { TEST_POSTGRES_URL } from "../global-setup";

export interface ScratchPostgres {
  url: string;
  cleanup(): Promise<void>;
}

let counter = 0;

export function scratchPostgresUrl(label: string): ScratchPostgres {
  const name = `mnist_lens_${label}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async cleanup() {
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** A scratch database that exists and is migrated, for tests that serve the app on PostgreSQL. */
export async function migratedScratchPostgres(label: string): Promise<ScratchPostgres> {
  const scratch = scratchPostgresUrl(label);
  await ensurePostgresDatabase(scratch.url);
  await migratePostgres(scratch.url);
  return scratch;
}
