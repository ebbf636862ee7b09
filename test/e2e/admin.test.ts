import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { spawnWorker, type WorkerProcess } from "../features/jobs/worker-process";

const PASSWORD = "e2e-admin-password-4567";

describe("the admin page in Chromium", () => {
  let db: TestDb;
  let server: AppServer;
  let worker: WorkerProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    db = createTestDb();
    // The stock wasm kernels (~5 ms per digit): with the fast ones a 1,600-digit epoch ends in under a second,
    // before the page's once-a-second poll can show it running. The fast path has its own worker tests.
    worker = spawnWorker(db.file, ["--no-projections", "--no-pairs", "--poll-ms=300"], {
      TFJS_FAST_KERNELS: "0",
      WORKER_HOST: "e2e-host",
    });
    [server, browser] = await Promise.all([startAppServer(db.file, { ADMIN_PASSWORD: PASSWORD }), launchBrowser()]);
    page = await browser.newPage();
  });
  afterAll(async () => {
    worker?.kill();
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  /** The job row's status and progress texts. */
  async function rowState(jobId: number): Promise<{ status: string; progress: string }> {
    // Both cells read in one go, so a re-render between them cannot pair an old status with a new progress.
    return page.locator(`tr[data-job-id="${jobId}"]`).evaluate((row) => ({
      status: row.querySelector('[data-testid="job-status"]')?.textContent ?? "",
      progress: row.querySelector('[data-testid="job-progress"]')?.textContent ?? "",
    }));
  }

  /** In the page: whether job `id`'s row now shows another "status | progress" than `shown`. */
  function rowDiffers([id, shown]: readonly [number, string]): boolean {
    const row = document.querySelector(`tr[data-job-id="${id}"]`);
    const status = row?.querySelector('[data-testid="job-status"]')?.textContent ?? "";
    const progress = row?.querySelector('[data-testid="job-progress"]')?.textContent ?? "";
    return `${status} | ${progress}` !== shown;
  }

  /** Records every distinct (status, progress) the row shows until `done`, without reloading the page. */
  async function watchRow(
    jobId: number,
    done: (s: { status: string; progress: string }) => boolean,
    timeoutMs = 180_000,
  ) {
    const seen: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await rowState(jobId);
      const key = `${state.status} | ${state.progress}`;
      if (seen[seen.length - 1] !== key) seen.push(key);
      if (done(state)) return seen;
      if (Date.now() > deadline)
        throw new Error(
          `job ${jobId} did not get there within ${timeoutMs} ms; seen: ${seen.join(" → ")}\n${worker.lines.join("\n")}`,
        );
      // Until the row shows something else (checked every animation frame, so no state is skipped); at the
      // deadline the check above reports what was seen.
      await page
        .waitForFunction(rowDiffers, [jobId, key] as const, { timeout: Math.max(1, deadline - Date.now()) })
        .catch(() => undefined);
    }
  }

  async function fill(values: Record<string, string>) {
    for (const [name, value] of Object.entries(values)) await page.locator(`[name="${name}"]`).fill(value);
  }

  async function submitJob(): Promise<number> {
    await page.getByRole("button", { name: "Queue job" }).click();
    const message = await page
      .getByTestId("form-message")
      .filter({ hasText: /Queued job #\d+/ })
      .textContent({ timeout: 10_000 });
    return Number(message!.match(/#(\d+)/)![1]);
  }

  it("logs in, queues a 1-epoch job on 2,000 digits, shows its progress live and the finished run on /", async () => {
    const login = await page.goto(`${server.url}/admin`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(login!.status()).toBe(200);
    await page.locator('input[name="password"]').fill("not the password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByTestId("login-error").textContent()).resolves.toBe("Wrong password.");
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${server.url}/admin`);
    // Set once: a reload or navigation would lose it.
    await page.evaluate(() => ((window as unknown as { adminMarker: number }).adminMarker = 42));

    // The running worker is listed with its host (live: the panel polls), idle before any job.
    const workerRow = page.getByTestId("workers-table").locator("tr", { hasText: "e2e-host" });
    await expect(workerRow.getByTestId("worker-state").textContent({ timeout: 30_000 })).resolves.toBe("idle");

    // The seed MLP's parameter count and an estimate are shown before anything is submitted.
    await expect(page.getByTestId("param-count").textContent()).resolves.toBe("932,362");
    expect(await page.getByTestId("time-estimate").textContent()).toMatch(/^≈ \d+ (s|min|h)/);

    // A bad value comes back as a field error and queues nothing.
    await fill({
      epochs: "-1",
      trainSize: "2000",
      testSize: "500",
      probeSize: "50",
      batchSize: "64",
      name: "e2e one epoch",
    });
    await page.getByRole("button", { name: "Queue job" }).click();
    await expect(page.getByTestId("error-epochs").textContent()).resolves.toMatch(/>=1/);
    expect(await db.prisma.job.count()).toBe(0);

    await fill({ epochs: "1" });
    const estimate = await page.getByTestId("time-estimate").textContent();
    expect(estimate).toMatch(/^≈ \d+ s/);
    const jobId = await submitJob();
    const seen = await watchRow(jobId, (s) => s.status === "succeeded" || s.status === "failed");
    expect(seen[seen.length - 1]).toMatch(/^succeeded/);
    // Progress moved through training states in place: batches of epoch 1 out of 25, with an ETA.
    expect(seen.some((s) => /^running \| epoch 1\/1 · batch \d+\/25 · ETA/.test(s))).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(await page.evaluate(() => (window as unknown as { adminMarker?: number }).adminMarker)).toBe(42);
    const runLink = page.locator(`tr[data-job-id="${jobId}"]`).getByTestId("job-run");
    await expect(runLink.textContent()).resolves.toMatch(/^run #\d+ \(succeeded\)$/);
    // The job names the host that ran it; the worker counts it once the panel refreshes.
    await expect(page.locator(`tr[data-job-id="${jobId}"]`).getByTestId("job-worker").textContent()).resolves.toBe(
      "e2e-host",
    );
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="workers-table"] tr')].some(
          (tr) =>
            tr.querySelector('[data-testid="worker-host"]')?.textContent === "e2e-host" &&
            tr.querySelector('[data-testid="worker-done"]')?.textContent === "1",
        ),
      undefined,
      { timeout: 30_000 },
    );
    await screenshot(page, "admin-finished");

    const job = await db.prisma.job.findUniqueOrThrow({
      where: { id: jobId },
      include: { run: { include: { epochs: true } } },
    });
    expect(job.run).toMatchObject({
      status: "succeeded",
      epochsPlanned: 1,
      trainSize: 1600,
      valSize: 400,
      testSize: 500,
      probeSize: 50,
    });
    const epoch = job.run!.epochs[0]!;
    console.log(
      `admin e2e: 1-epoch seed-MLP job on 2,000 digits took ${((job.finishedAt!.getTime() - job.startedAt!.getTime()) / 1000).toFixed(1)} s ` +
        `from claim to finish (epoch: ${epoch.durationMs} ms training, ${epoch.evalMs} ms evaluation); the form estimated ${estimate}; ` +
        `progress states seen: ${seen.join(" → ")}`,
    );
    await page.goto(server.url);
    const row = page.locator(`tr[data-run-id="${job.run!.id}"]`);
    await expect(row.getByTestId("run-status").textContent()).resolves.toBe("succeeded");
    expect(await row.textContent()).toContain("e2e one epoch");
  }, 300_000);

  it("cancels a running job from its row: it stops and is marked cancelled, with its run", async () => {
    await page.goto(`${server.url}/admin`);
    await fill({
      epochs: "3",
      trainSize: "2000",
      testSize: "500",
      probeSize: "50",
      batchSize: "32",
      name: "e2e cancelled",
    });
    const jobId = await submitJob();
    await watchRow(jobId, (s) => s.status === "running" && /batch \d+\/50/.test(s.progress));
    await page.locator(`tr[data-job-id="${jobId}"]`).getByRole("button", { name: "Cancel" }).click();
    const seen = await watchRow(jobId, (s) => s.status !== "running", 120_000);
    expect(seen[seen.length - 1]).toMatch(/^cancelled/);
    await screenshot(page, "admin-cancelled");
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { run: true } });
    expect(job.status).toBe("cancelled");
    expect(job.run!.status).toBe("cancelled");
    expect(await db.prisma.epoch.count({ where: { runId: job.run!.id } })).toBeLessThan(3);
  }, 300_000);
});
