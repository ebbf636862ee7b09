// Migrates one template SQLite database per project with the real Prisma CLI (each test copies it) and, for a
// project run with TEST_DATABASE_ENGINE=postgres, one template PostgreSQL database with our runner (each test clones it).
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migratePostgres } from "../lib/db/migrate-postgres";

declare module "vitest" {
  export interface ProvidedContext {
    templateDb: string;
    postgresTemplate: { serverUrl: string; template: string };
  }
}

/** The PostgreSQL server the tests use (a role that may create databases); CI creates it (.ci/run). */
export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? "postgresql://mnistlens:mnistlens@127.0.0.1:5432/postgres";

async function withAdmin(work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // One template per test process and project, so parallel test runs in one checkout, and the projects of one
  // run (each has its own setup and teardown), do not overwrite or delete each other's.
  const TEMPLATE_DB = path.resolve(`.tmp/test-template-${project.name || "default"}-${process.pid}.db`);
  mkdirSync(path.dirname(TEMPLATE_DB), { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(TEMPLATE_DB + suffix, { force: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${TEMPLATE_DB}`, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: "pipe",
  });
  project.provide("templateDb", TEMPLATE_DB);

  const usesPostgres = project.config.env?.TEST_DATABASE_ENGINE === "postgres";
  const template = `mnist_lens_template_${(project.name || "default").replace(/\W/g, "_")}_${process.pid}`;
  if (usesPostgres) {
    await withAdmin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${template}"`);
    });
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${template}`;
    await migratePostgres(url.toString());
  }
  project.provide("postgresTemplate", { serverUrl: TEST_POSTGRES_URL, template });
  return async () => {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(TEMPLATE_DB + suffix, { force: true });
    if (usesPostgres)
      await withAdmin(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
      });
  };
}
