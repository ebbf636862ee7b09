import { afterEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../helpers/db";
import { startAppServer, type AppServer } from "../../helpers/server";
import { spawnWorker, waitUntil, type WorkerProcess } from "./worker-process";

const PASSWORD = "restart-admin-password";

describe("a server restart with a queued job", () => {
  let db: TestDb | undefined;
  let server: AppServer | undefined;
  let worker: WorkerProcess | undefined;
  afterEach(async () => {
    worker?.kill();
    await server?.stop();
    await db?.cleanup();
  });

  it("loses neither the job nor the session: the job runs once a worker starts", async () => {
    db = createTestDb();
    server = await startAppServer(db.file, { ADMIN_PASSWORD: PASSWORD });
    const login = await fetch(`${server.url}/api/admin/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ password: PASSWORD }),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const queued = await fetch(`${server.url}/api/admin/jobs`, {
      method: "POST",
      headers: { "Content-Type": "application/json", cookie, "x-csrf-token": csrfToken },
      body: JSON.stringify({
        hidden: "32",
        epochs: 1,
        trainSize: 1000,
        testSize: 500,
        probeSize: 50,
        name: "survives restart",
      }),
    });
    expect(queued.status).toBe(201);
    const { jobId } = (await queued.json()) as { jobId: number };

    await server.stop();
    server = await startAppServer(db.file, { ADMIN_PASSWORD: PASSWORD });
    const list = async () =>
      (
        (await (await fetch(`${server!.url}/api/admin/jobs`, { headers: { cookie } })).json()) as {
          jobs: Array<{ id: number; status: string; run: { status: string } | null }>;
        }
      ).jobs;
    expect((await list()).find((j) => j.id === jobId)).toMatchObject({ status: "queued" });

    worker = spawnWorker(db.file);
    expect((await worker.exit).code).toBe(0);
    const job = await waitUntil(list, (jobs) => jobs.find((j) => j.id === jobId)?.status !== "queued", 10_000);
    expect(job.find((j) => j.id === jobId)).toMatchObject({ status: "succeeded", run: { status: "succeeded" } });
  });
});
