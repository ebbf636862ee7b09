// On PostgreSQL, a table locked by another session past the busy timeout (lock_timeout) makes pages and admin writes
// answer 503 with Retry-After, as SQLite's busy file does, and they answer again once the lock is released.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../lib/db/client";
import { insertRun } from "../db/run-fixture";
import { migratedScratchPostgres, type ScratchPostgres } from "../helpers/postgres-db";
import { startAppServer, type AppServer } from "../helpers/server";

const PASSWORD = "postgres-busy-password-1";
const BUSY_MS = 1500;

describe("a busy PostgreSQL database", () => {
  let scratch: ScratchPostgres;
  let db: Db;
  let server: AppServer;
  let admin: { cookie: string; csrfToken: string };
  let runId: number;

  beforeAll(async () => {
    scratch = await migratedScratchPostgres("busy");
    db = openDatabase(scratch.url);
    runId = await insertRun(db, { status: "succeeded" });
    server = await startAppServer(scratch.url, {
      ADMIN_PASSWORD: PASSWORD,
      DATABASE_BUSY_TIMEOUT_MS: String(BUSY_MS),
    });
    const login = await fetch(`${server.url}/api/admin/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    admin = {
      cookie: login.headers.get("set-cookie")!.split(";")[0]!,
      csrfToken: ((await login.json()) as { csrfToken: string }).csrfToken,
    };
  });
  afterAll(async () => {
    await server?.stop();
    await db?.close();
    await scratch?.cleanup();
  });

  it("answers 503 with Retry-After while another session holds the tables, and 200 again after", async () => {
    const locker = new pg.Client({ connectionString: scratch.url });
    await locker.connect();
    try {
      // A maintenance session (VACUUM FULL, a migration) holds the tables exclusively: reads and writes queue behind it.
      await locker.query('BEGIN; LOCK TABLE "Run", "Job" IN ACCESS EXCLUSIVE MODE');
      const page = await fetch(`${server.url}/runs/${runId}`);
      expect(page.status).toBe(503);
      expect(Number(page.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await page.text()).toContain("The database is busy");

      const api = await fetch(`${server.url}/api/runs/${runId}/errors`);
      expect(api.status).toBe(503);
      expect(api.headers.get("retry-after")).not.toBeNull();

      const write = await fetch(`${server.url}/api/admin/jobs`, {
        method: "POST",
        headers: { "Content-Type": "application/json", cookie: admin.cookie, "x-csrf-token": admin.csrfToken },
        body: JSON.stringify({ hidden: "16", epochs: 1, trainSize: 1000, testSize: 500, probeSize: 50 }),
      });
      expect(write.status).toBe(503);
      expect(Number(write.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await write.json()) as { error: string }).error).toMatch(/busy/);
      await locker.query("COMMIT");

      expect(await db.prisma.job.count()).toBe(0);
      expect((await fetch(`${server.url}/runs/${runId}`)).status).toBe(200);
    } finally {
      await locker.query("ROLLBACK").catch(() => {});
      await locker.end();
    }
  });
});
