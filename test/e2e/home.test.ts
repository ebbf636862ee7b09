import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { trainShortRun } from "../helpers/train";

describe("the home page in Chromium", () => {
  let db: TestDb;
  let emptyDb: TestDb;
  let server: AppServer;
  let emptyServer: AppServer;
  let browser: Browser;
  let runId: number;

  beforeAll(async () => {
    db = createTestDb();
    emptyDb = createTestDb();
    ({ runId } = await trainShortRun(db, {
      epochs: 1,
      trainSize: 1000,
      testSize: 500,
      probeSize: 50,
      name: "home e2e",
    }));
    [server, emptyServer, browser] = await Promise.all([
      startAppServer(db.file),
      startAppServer(emptyDb.file),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.stop(), emptyServer?.stop()]);
    await Promise.all([db?.cleanup(), emptyDb?.cleanup()]);
  });

  it("lists a trained run with its status, epochs and the test accuracy stored in the database", async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    const row = page.locator(`tr[data-run-id="${runId}"]`);
    await expect(row.getByTestId("run-status").textContent()).resolves.toBe("succeeded");
    await expect(row.getByTestId("run-epochs").textContent()).resolves.toBe("1/1");
    const stored = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    await expect(row.getByTestId("run-accuracy").textContent()).resolves.toBe(
      `${(stored.testAccuracy! * 100).toFixed(2)}%`,
    );
    await screenshot(page, "home");
    await page.close();
  });

  it("explains how to train on an empty database instead of failing", async () => {
    const page = await browser.newPage();
    const response = await page.goto(emptyServer.url);
    expect(response!.status()).toBe(200);
    await expect(page.getByTestId("empty-state").textContent()).resolves.toContain("npm run train");
    await page.close();
  });
});
