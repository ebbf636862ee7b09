import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPage, screenshot, waitForClientLayout } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { trainShortRun } from "../helpers/train";
import { blobToFloat32, blobToInt32 } from "../../lib/db/blobs";
import { insertEpoch, insertRun } from "../db/run-fixture";

/** The dashboard in Chromium against one short real training (2 epochs, 2,000 digits, 1,000 test, 100 probes). */
describe("the dashboard pages in Chromium", () => {
  let db: TestDb;
  let server: AppServer;
  let browser: Browser;
  let runId: number;
  let failedId: number;
  let stored: {
    testConfusion: number[];
    epochConfusions: number[][];
    probs: Float32Array;
    misclassified: Int32Array;
    probeIndices: Int32Array;
  };

  beforeAll(async () => {
    db = createTestDb();
    ({ runId } = await trainShortRun(db, {
      epochs: 2,
      trainSize: 2000,
      testSize: 1000,
      probeSize: 100,
      name: "dashboard e2e",
    }));
    failedId = await insertRun(db, {
      name: "broken",
      status: "failed",
      error: "out of memory in epoch 2 (fixture)",
      epochsPlanned: 3,
    });
    await insertEpoch(db, failedId, { epoch: 1 });
    const run = await db.prisma.run.findUniqueOrThrow({
      where: { id: runId },
      include: { epochs: { orderBy: { epoch: "asc" } } },
    });
    const pred = db.sqlite.prepare("SELECT probs, misclassified FROM TestPredictions WHERE runId = ?").get(runId) as {
      probs: Buffer;
      misclassified: Buffer;
    };
    stored = {
      testConfusion: JSON.parse(run.testConfusion!) as number[],
      epochConfusions: run.epochs.map((e) => JSON.parse(e.confusion) as number[]),
      probs: blobToFloat32(pred.probs),
      misclassified: blobToInt32(pred.misclassified),
      probeIndices: blobToInt32(run.probeIndices!),
    };
    [server, browser] = await Promise.all([startAppServer(db.file), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  const open = (path: string, width?: number): Promise<Page> => openPage(browser, server, path, width);

  it("shows the runs and a dataset card with 16 drawn training digits and the class counts", async () => {
    const page = await open("/");
    await expect(page.locator(`tr[data-run-id="${runId}"] [data-testid=run-status]`).textContent()).resolves.toBe(
      "succeeded",
    );
    await expect(page.locator(`tr[data-run-id="${failedId}"]`).textContent()).resolves.toContain("out of memory");
    const digits = page.getByTestId("dataset-digits").locator("li");
    expect(await digits.count()).toBe(16);
    expect(await digits.evaluateAll((els) => els.map((e) => e.getAttribute("data-label")).join(""))).toBe(
      "5041921314353617",
    );
    const counts = page.getByTestId("class-counts");
    await expect(counts.locator('tr[data-class="1"] td').nth(1).textContent()).resolves.toBe("6,742");
    await expect(counts.locator('tr[data-class="5"] td').nth(2).textContent()).resolves.toBe("892");
    await screenshot(page, "dashboard-home");
    await page.close();
  });

  it("draws both curves for every epoch, marks the best epoch and shows the stored results and 932,362 parameters", async () => {
    const page = await open(`/runs/${runId}`);
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    for (const chart of ["loss-chart", "accuracy-chart"]) {
      expect(await page.locator(`[data-testid=${chart}] [data-series=train] circle`).count()).toBe(2);
      expect(await page.locator(`[data-testid=${chart}] [data-series=val] circle`).count()).toBe(2);
      await expect(page.getByTestId(`${chart}-best`).getAttribute("data-epoch")).resolves.toBe(String(run.bestEpoch));
    }
    await expect(page.getByTestId("summary-total").textContent()).resolves.toBe("932,362");
    expect(run.paramCount).toBe(932_362);
    await expect(page.getByTestId("test-accuracy").textContent()).resolves.toBe(
      `${(run.testAccuracy! * 100).toFixed(2)}%`,
    );
    await expect(page.getByTestId("test-loss").textContent()).resolves.toBe(run.testLoss!.toFixed(4));
    await expect(page.getByTestId("baseline-accuracy").textContent()).resolves.toBe(
      `${(run.baselineTestAccuracy! * 100).toFixed(2)}%`,
    );
    expect(await page.locator("[data-testid=layer-graph] [data-layer-type]").count()).toBe(9);
    await expect(page.getByTestId("hyperparameters").textContent()).resolves.toContain("rmsprop");
    // Hovering the loss chart at its right edge shows the last epoch's figures.
    const box = (await page.getByTestId("loss-chart").locator("svg").boundingBox())!;
    await page.mouse.move(box.x + box.width - 20, box.y + box.height / 2);
    await expect(page.getByTestId("loss-chart-tooltip").textContent()).resolves.toContain("epoch 2");
    await screenshot(page, "dashboard-run");
    await page.close();
  });

  it("shows the final confusion counts of the database, each epoch's with the slider, and rates with the toggle, all in the URL", async () => {
    const page = await open(`/runs/${runId}/confusion`);
    const cells = page.getByTestId("cm-cell");
    expect(await cells.count()).toBe(100);
    expect((await cells.allTextContents()).map(Number)).toEqual(stored.testConfusion);
    await page.getByTestId("epoch-slider").fill("1");
    await expect(page.getByTestId("confusion-matrix").getAttribute("data-epoch")).resolves.toBe("1");
    expect((await cells.allTextContents()).map(Number)).toEqual(stored.epochConfusions[0]);
    await page.getByTestId("normalise").check();
    expect(page.url()).toContain("epoch=1");
    expect(page.url()).toContain("norm=1");
    await page.reload();
    await expect(page.getByTestId("confusion-matrix").getAttribute("data-epoch")).resolves.toBe("1");
    const row0 = stored.epochConfusions[0]!.slice(0, 10);
    const rowSum = row0.reduce((a, b) => a + b, 0);
    await expect(cells.first().textContent()).resolves.toBe(
      ((row0[0]! / rowSum) * 100).toFixed(row0[0]! / rowSum >= 0.1 ? 0 : 1),
    );
    await screenshot(page, "dashboard-confusion-epoch1-normalised");
    await page.close();
  });

  it("opens the gallery filtered to a clicked confusion cell, with exactly that cell's digits", async () => {
    const page = await open(`/runs/${runId}/confusion`);
    // The largest off-diagonal cell (diagonal cells are correct digits and are not links).
    let best = -1;
    stored.testConfusion.forEach((c, i) => {
      if (i % 11 !== 0 && c > 0 && (best < 0 || c > stored.testConfusion[best]!)) best = i;
    });
    const [t, p] = [Math.floor(best / 10), best % 10];
    await page.locator(`[data-testid=cm-cell][data-true="${t}"][data-pred="${p}"]`).click();
    await page.waitForURL(new RegExp(`/runs/${runId}/errors\\?true=${t}&pred=${p}$`));
    const items = page.getByTestId("gallery-item");
    await expect(page.getByTestId("error-count").textContent()).resolves.toBe(String(stored.testConfusion[best]));
    expect(await items.count()).toBe(stored.testConfusion[best]);
    expect(
      new Set(
        await items.evaluateAll((els) =>
          els.map((e) => `${e.getAttribute("data-true")}${e.getAttribute("data-pred")}`),
        ),
      ),
    ).toEqual(new Set([`${t}${p}`]));
    await page.close();
  });

  it("lists every misclassified digit, most confident first, drawn from one pixel request, and exports them as CSV", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pixelRequests: string[] = [];
    page.on(
      "request",
      (r) => r.url().includes("/api/runs/") && r.url().includes("/digits") && pixelRequests.push(r.url()),
    );
    await page.goto(`${server.url}/runs/${runId}/errors`);
    const total = stored.misclassified.length;
    await expect(page.getByTestId("error-count").textContent()).resolves.toBe(total.toLocaleString("en-US"));
    await page.waitForSelector("[data-testid=gallery][data-loaded='1']");
    const items = page.getByTestId("gallery-item");
    const shown = Math.min(total, 200);
    expect(await items.count()).toBe(shown);
    expect(await page.locator("canvas[data-drawn='1']").count()).toBe(shown);
    const confidences = await items.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-confidence"))));
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    if (total > 200) {
      // The rest are one page further, drawn from the same (cached) pixel binary.
      await page.getByTestId("pager").getByText("next →").click();
      await page.waitForURL(/page=2/);
      await expect.poll(() => items.count()).toBe(Math.min(total - 200, 200));
      expect(await page.locator("canvas[data-drawn='1']").count()).toBe(Math.min(total - 200, 200));
    }
    expect(pixelRequests).toHaveLength(1);
    const csv = await (await fetch(`${server.url}/api/runs/${runId}/errors`)).text();
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("test_index,true_label,predicted_label,confidence,true_label_probability");
    expect(lines).toHaveLength(total + 1);
    expect(new Set(lines.slice(1).map((l) => Number(l.split(",")[0])))).toEqual(new Set(stored.misclassified));
    await screenshot(page, "dashboard-errors");
    await page.close();
  });

  it("inspects a probe digit: 784 pixel cells, 10 bars following the stored probabilities, its prediction at each epoch", async () => {
    const probeMistakes = Array.from(stored.misclassified).filter((i) => stored.probeIndices.includes(i));
    const index = probeMistakes[0] ?? stored.probeIndices[0]!;
    const page = await open(`/runs/${runId}/digits/${index}`);
    expect(await page.getByTestId("pixel-cell").count()).toBe(784);
    const bars = page.getByTestId("prob-bar");
    expect(await bars.count()).toBe(10);
    const heights = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute("height"))));
    const probs = Array.from(stored.probs.subarray(index * 10, index * 10 + 10));
    const scale = Math.max(...heights) / Math.max(...probs);
    heights.forEach((h, c) => expect(h).toBeCloseTo(probs[c]! * scale, 3));
    expect(await page.locator("[data-testid=epoch-predictions] [data-epoch]").count()).toBe(2);
    await screenshot(page, "dashboard-digit");
    await page.close();
  });

  it("steps to the next misclassified digit in the gallery's order", async () => {
    const page = await open(`/runs/${runId}/errors`);
    const first = await page.getByTestId("gallery-item").nth(0).getAttribute("data-index");
    const second = await page.getByTestId("gallery-item").nth(1).getAttribute("data-index");
    await page.getByTestId("gallery-item").nth(0).locator("a").click();
    await page.waitForURL(new RegExp(`/digits/${first}`));
    await page.getByTestId("next-error").click();
    await page.waitForURL(new RegExp(`/digits/${second}`));
    await page.close();
  });

  it("answers 404 for an unknown run or digit", async () => {
    const page = await browser.newPage();
    for (const path of [
      "/runs/999999",
      "/runs/abc",
      `/runs/${runId}/digits/1000`,
      `/runs/${runId}/digits/-1`,
      "/runs/999999/errors",
    ]) {
      const response = await page.goto(server.url + path);
      expect(response!.status(), path).toBe(404);
      await page.getByTestId("not-found").waitFor({ state: "visible", timeout: 10_000 });
    }
    expect((await fetch(`${server.url}/api/runs/999999/digits`)).status).toBe(404);
    await page.close();
  });

  it("shows a failed run's error with the epochs it finished", async () => {
    const page = await open(`/runs/${failedId}`);
    await expect(page.getByTestId("run-error").textContent()).resolves.toContain("out of memory in epoch 2");
    expect(await page.locator("[data-testid=loss-chart] [data-series=train] circle").count()).toBe(1);
    await page.close();
  });

  it("adds a new epoch to a running run's page without a reload, with a progress bar and ETA", async () => {
    const liveId = await insertRun(db, { name: "live", status: "running", epochsPlanned: 4 });
    await insertEpoch(db, liveId, { epoch: 1 });
    const page = await open(`/runs/${liveId}`);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await expect(page.getByTestId("run-overview").getAttribute("data-epochs")).resolves.toBe("1");
    await expect(page.getByTestId("eta").textContent()).resolves.toMatch(/left/);
    await insertEpoch(db, liveId, { epoch: 2 });
    await page.waitForSelector("[data-testid=run-overview][data-epochs='2']", { timeout: 15_000 });
    expect(await page.locator("[data-testid=loss-chart] [data-series=val] circle").count()).toBe(2);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    // The other pages show what exists so far: the latest epoch's matrix, and why the gallery is not there yet.
    await page.goto(`${server.url}/runs/${liveId}/confusion`);
    await expect(page.getByTestId("confusion-matrix").getAttribute("data-epoch")).resolves.toBe("2");
    await page.goto(`${server.url}/runs/${liveId}/errors`);
    await expect(page.getByTestId("gallery-pending").textContent()).resolves.toContain("when the run finishes");
    await page.close();
  });

  it("fits a 360-px-wide screen without horizontal scrolling or blank charts", async () => {
    for (const [path, name] of [
      [`/runs/${runId}`, "run"],
      [`/runs/${runId}/confusion`, "confusion"],
      [`/runs/${runId}/errors`, "errors"],
      [`/runs/${runId}/digits/${stored.misclassified[0]}`, "digit"],
      ["/", "home"],
    ] as const) {
      const page = await open(path, 360);
      await waitForClientLayout(page);
      const [scrollWidth, clientWidth] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        document.documentElement.clientWidth,
      ]);
      expect(scrollWidth, path).toBeLessThanOrEqual(clientWidth);
      if (name === "run") {
        const box = (await page.getByTestId("loss-chart").locator("svg").boundingBox())!;
        expect(box.width).toBeGreaterThan(250);
        expect(await page.locator("[data-testid=loss-chart] path").first().getAttribute("d")).toMatch(/^M/);
      }
      await screenshot(page, `dashboard-${name}-360`);
      await page.close();
    }
  });
});
