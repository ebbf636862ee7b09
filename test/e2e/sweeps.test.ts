import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { spawnWorker, waitUntil, type WorkerProcess } from "../features/jobs/worker-process";
import { listSweepJobRuns } from "../../lib/db/sweeps";
import { HOSTILE_BODIES } from "./hostile-routes";

const PASSWORD = "e2e-sweeps-password-9876";
/** Tiny jobs: 800 training digits, 2 epochs, 200 test digits; a few seconds each on the fast kernels. */
const WORKER_ARGS = ["--exit-when-idle", "--no-projections", "--no-pairs", "--poll-ms=200"];

describe("a 2 × 2 sweep in Chromium, run by two workers", () => {
  let db: TestDb;
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  const workers: WorkerProcess[] = [];
  let sweepId = 0;

  beforeAll(async () => {
    db = createTestDb();
    [server, browser] = await Promise.all([startAppServer(db.file, { ADMIN_PASSWORD: PASSWORD }), launchBrowser()]);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    for (const w of workers) w.kill();
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  const sweepJobs = () => listSweepJobRuns(db, sweepId);

  it("refuses bad sweep bodies with 400 naming the field, and queues nothing", async () => {
    const login = await fetch(`${server.url}/api/admin/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ password: PASSWORD }),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    for (const { body, status, field } of HOSTILE_BODIES["/api/admin/sweeps"]!) {
      const res = await fetch(`${server.url}/api/admin/sweeps`, {
        method: "POST",
        headers: { "Content-Type": "application/json", cookie, "x-csrf-token": csrfToken },
        body,
      });
      const answer = (await res.json()) as { field?: string; error?: string };
      expect(res.status, body.slice(0, 80)).toBe(status);
      expect(answer.field, body.slice(0, 80)).toBe(field);
      expect(answer.error, body.slice(0, 80)).toBeTruthy();
    }
    // Without the CSRF token, a valid sweep is refused too.
    const noCsrf = await fetch(`${server.url}/api/admin/sweeps`, {
      method: "POST",
      headers: { "Content-Type": "application/json", cookie },
      body: JSON.stringify({ name: "x", mode: "grid", axes: { seed: { values: [1] } } }),
    });
    expect(noCsrf.status).toBe(403);
    expect(await db.prisma.job.count()).toBe(0);
    expect(await db.kysely.selectFrom("Sweep").select("id").execute()).toEqual([]);
  });

  it("queues the grid from /admin with its job count and cost shown first", async () => {
    await page.goto(`${server.url}/admin`);
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${server.url}/admin`);
    const form = page.getByTestId("sweep-form");
    const fields: Record<string, string> = {
      "sweep-name": "e2e grid",
      "sweep-learningRate": "0.001, 0.003",
      "sweep-hidden": "32 | 16",
      "sweep-epochs": "2",
      "sweep-trainSize": "1000",
      "sweep-testSize": "200",
      "sweep-probeSize": "20",
    };
    for (const [name, value] of Object.entries(fields)) await form.locator(`[name="${name}"]`).fill(value);
    await expect(form.getByTestId("sweep-job-count").textContent()).resolves.toBe("4");
    expect(await form.getByTestId("sweep-time").textContent()).toMatch(/^≈ \d+ (s|min)/);
    expect(await form.getByTestId("sweep-storage").textContent()).toMatch(/^≈ [\d.]+ (kB|MB)$/);
    // A bad axis is named under its field before anything is sent.
    await form.locator('[name="sweep-batchSize"]').fill("64, 0x40");
    await expect(form.getByTestId("sweep-error-batchSize").textContent()).resolves.toMatch(/not a plain decimal/);
    await form.locator('[name="sweep-batchSize"]').fill("");
    await form.getByRole("button", { name: "Queue sweep" }).click();
    const link = form.getByTestId("sweep-queued").getByRole("link");
    const href = await link.getAttribute("href", { timeout: 15_000 });
    sweepId = Number(href!.match(/^\/sweeps\/(\d+)$/)![1]);
    const jobs = await sweepJobs();
    expect(jobs).toHaveLength(4);
    expect(jobs.every((j) => j.jobStatus === "queued")).toBe(true);
    await link.click();
    await page.waitForURL(`${server.url}/sweeps/${sweepId}`);
    await expect(page.getByTestId("sweep-table").locator("tbody tr").count()).resolves.toBe(4);
  });

  it("shows the four runs finishing live as two workers take the jobs", async () => {
    await page.evaluate(() => ((window as unknown as { sweepMarker: number }).sweepMarker = 7));
    // The second worker starts once the first holds a job, so the first cannot have drained the queue alone.
    workers.push(spawnWorker(db.file, WORKER_ARGS));
    const first = await waitUntil(sweepJobs, (jobs) => jobs.some((j) => j.workerId !== null), 120_000);
    const firstWorker = first.find((j) => j.workerId !== null)!.workerId!;
    workers.push(spawnWorker(db.file, WORKER_ARGS));
    await waitUntil(sweepJobs, (jobs) => jobs.some((j) => j.workerId !== null && j.workerId !== firstWorker), 120_000);
    // The page refreshes itself until every row shows succeeded (no reload: the marker survives).
    await page.waitForFunction(
      () => {
        const cells = [...document.querySelectorAll('[data-testid="sweep-table"] [data-testid="cell-status"]')];
        return (
          cells.length === 4 &&
          cells.every((c) => c.getAttribute("data-value") !== "queued" && c.getAttribute("data-value") !== "running")
        );
      },
      undefined,
      { timeout: 300_000, polling: 250 },
    );
    expect(await page.evaluate(() => (window as unknown as { sweepMarker?: number }).sweepMarker)).toBe(7);
    const jobs = await sweepJobs();
    expect(
      jobs.map((j) => j.jobStatus),
      workers.map((w) => w.lines.join("\n")).join("\n---\n"),
    ).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
    const attempts = await db.kysely.selectFrom("Job").select(["id", "attempts"]).execute();
    expect(attempts.every((j) => j.attempts === 1)).toBe(true);
    const byWorker = new Map<string, number[]>();
    for (const j of jobs) byWorker.set(j.workerId!, [...(byWorker.get(j.workerId!) ?? []), j.jobId]);
    console.log(
      `sweeps e2e: jobs by worker: ${[...byWorker].map(([w, ids]) => `${w} → ${ids.join(", ")}`).join("; ")}`,
    );
    expect(byWorker.size).toBe(2);
    await Promise.all(workers.map((w) => w.exit));
  }, 420_000);

  it("shows the database's figures in the table and one plot line per run", async () => {
    await page.reload();
    const jobs = await sweepJobs();
    const rows = page.getByTestId("sweep-table").locator("tbody tr");
    await expect(rows.count()).resolves.toBe(4);
    for (const job of jobs) {
      const row = page.locator(`[data-testid="sweep-table"] tr[data-job-id="${job.jobId}"]`);
      const cell = (c: string) => row.getByTestId(`cell-${c}`);
      expect(await row.getAttribute("data-run-id")).toBe(String(job.runId));
      expect(Number(await cell("bestValLoss").getAttribute("data-value"))).toBe(job.bestValLoss);
      expect(await cell("bestValLoss").textContent()).toBe(job.bestValLoss!.toFixed(4));
      expect(Number(await cell("testAccuracy").getAttribute("data-value"))).toBe(job.testAccuracy);
      expect(await cell("testAccuracy").textContent()).toBe(`${(job.testAccuracy! * 100).toFixed(2)}%`);
      expect(Number(await cell("bestEpoch").getAttribute("data-value"))).toBe(job.bestEpoch);
      const params = JSON.parse(job.params) as {
        optimizer: { learningRate: number };
        architecture: { hidden: number[] };
      };
      expect(Number(await cell("learningRate").getAttribute("data-value"))).toBe(params.optimizer.learningRate);
      expect(await cell("hidden").textContent()).toBe(params.architecture.hidden.join("-"));
    }
    const lines = page.getByTestId("pc-line");
    await expect(lines.count()).resolves.toBe(4);
    const lineRuns = await lines.evaluateAll((ls) => ls.map((l) => Number(l.getAttribute("data-run-id"))));
    expect(lineRuns.sort((a, b) => a - b)).toEqual(jobs.map((j) => j.runId).sort((a, b) => a! - b!));
    // Each line crosses all eight axes.
    for (const d of await lines.evaluateAll((ls) => ls.map((l) => l.getAttribute("d") ?? "")))
      expect(d.match(/[ML]/g)).toHaveLength(8);
    await screenshot(page, "sweep-page");
  });

  it("sorts by test accuracy through the URL and opens /compare with two picked runs", async () => {
    const jobs = await sweepJobs();
    const accuracies = async () =>
      page
        .getByTestId("sweep-table")
        .locator('tbody [data-testid="cell-testAccuracy"]')
        .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute("data-value"))));
    await page.getByTestId("sort-testAccuracy").click();
    await page.waitForURL(/\?sort=testAccuracy&dir=desc$/);
    await page.waitForFunction(() =>
      document.querySelector('th[aria-sort="descending"] [data-testid="sort-testAccuracy"]'),
    );
    const expected = jobs.map((j) => j.testAccuracy!).sort((a, b) => b - a);
    expect(await accuracies()).toEqual(expected);
    await page.getByTestId("sort-testAccuracy").click();
    await page.waitForURL(/\?sort=testAccuracy&dir=asc$/);
    await page.waitForFunction(() =>
      document.querySelector('th[aria-sort="ascending"] [data-testid="sort-testAccuracy"]'),
    );
    expect(await accuracies()).toEqual([...expected].reverse());

    const picks = page.getByTestId("pick-run");
    const runIds = await page
      .getByTestId("sweep-table")
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute("data-run-id"))));
    await picks.nth(0).check();
    await picks.nth(2).check();
    await page.getByTestId("sweep-compare").click();
    await page.waitForURL(`${server.url}/compare?runs=${runIds[0]},${runIds[2]}`);
    const text = await page.locator("main").textContent();
    expect(text).toContain(`#${runIds[0]}`);
    expect(text).toContain(`#${runIds[2]}`);
    await expect(page.getByTestId("compare-message").count()).resolves.toBe(0);
  });

  it("lists the sweep on /sweeps with its four succeeded jobs", async () => {
    await page.goto(`${server.url}/sweeps`);
    const row = page.locator(`tr[data-sweep-id="${sweepId}"]`);
    await expect(row.textContent()).resolves.toContain("4 succeeded");
  });
});
