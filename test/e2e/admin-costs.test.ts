import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { insertRun } from "../db/run-fixture";

const PASSWORD = "e2e-admin-password-8910";

describe("the admin page's costs and deletions in Chromium", () => {
  let db: TestDb;
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  let runId: number;

  beforeAll(async () => {
    db = createTestDb();
    runId = await insertRun(db, { name: "mistaken run", status: "failed" });
    db.sqlite
      .prepare(
        "INSERT INTO Embedding (runId, subset, epoch, layerIndex, layerName, rows, cols, data) VALUES (?, 'probe', 1, 0, 'dense_1', 1000, 2500, ?)",
      )
      .run(runId, Buffer.alloc(10_000_000));
    [server, browser] = await Promise.all([startAppServer(db.file, { ADMIN_PASSWORD: PASSWORD }), launchBrowser()]);
    page = await browser.newPage();
    await page.goto(`${server.url}/login`);
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${server.url}/admin`);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  it("shows the estimated time and storage beside the server's limits, and will not queue a job over them", async () => {
    const figures = page.getByTestId("job-figures");
    await expect(figures.textContent()).resolves.toMatch(/storage ≈ 226 MB \(limit 5\.00 GB\)/);
    await expect(figures.textContent()).resolves.toMatch(/\(limit 6 h 00 min\)/);
    await page.locator('[name="hidden"]').fill("4096,4096,4096,4096,4096,4096,4096,4096");
    await page.locator('[name="epochs"]').fill("500");
    await page.locator('[name="probeSize"]').fill("10000");
    await expect(page.getByTestId("cost-limit").first().textContent()).resolves.toMatch(
      /^Not queueable: this job would train for an estimated \d+ h \d\d min, over the server's limit of 6 h 00 min/,
    );
    await expect(page.getByRole("button", { name: "Queue job" }).isDisabled()).resolves.toBe(true);
    await screenshot(page, "admin-cost-limits");
    expect(await db.prisma.job.count()).toBe(0);
  });

  it("deletes a run after a confirmation and reports the bytes freed", async () => {
    const row = page.locator(`tr[data-run-id="${runId}"]`);
    await expect(row.textContent()).resolves.toMatch(/mistaken run.*10\.0 MB/);
    await row.getByTestId("delete").click();
    // Nothing is deleted until the confirmation.
    await expect(row.getByRole("group").textContent()).resolves.toMatch(/Delete run #\d+ "mistaken run" \(10\.0 MB\)/);
    expect(await db.prisma.run.count()).toBe(1);
    await row.getByTestId("confirm-delete").click();
    await expect(page.getByTestId("runs-message").textContent()).resolves.toMatch(
      /^Deleted run #\d+ "mistaken run" \(10\.0 MB\): (9|10)\.\d\d? MB freed/,
    );
    await row.waitFor({ state: "detached" });
    expect(await db.prisma.run.count()).toBe(0);
    // The freed pages go back to the disk after the answer; the page's storage line drops them as they do.
    await page.getByTestId("storage-free").waitFor({ state: "detached", timeout: 20_000 });
    await screenshot(page, "admin-run-deleted");
  });
});
