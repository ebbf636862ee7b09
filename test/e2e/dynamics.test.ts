import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPage, screenshot } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { trainShortRun } from "../helpers/train";
import { listEpochDynamics, listEpochValProbs } from "../../lib/db/dynamics";
import { getTestPredictions } from "../../lib/db/digits";
import { loadMnist } from "../../lib/mnist/dataset";
import { computeDynamics, mostForgotten, type DigitDynamics } from "../../lib/numeric/dynamics/data-map";
import { selectInBox } from "../../lib/numeric/dynamics/regions";
import { computeCalibration } from "../../lib/numeric/metrics/calibration";

const TRAIN = 1200;
const VAL = 300;

/** The data map, its selection and the calibration slider in Chromium, against statistics computed from the database. */
describe("the dynamics tab and the calibration section in Chromium", () => {
  let db: TestDb;
  let server: AppServer;
  let browser: Browser;
  let runId: number;
  let oldRunId: number;
  let stats: DigitDynamics;

  beforeAll(async () => {
    db = createTestDb();
    ({ runId } = await trainShortRun(db, {
      name: "dynamics",
      epochs: 3,
      trainSize: 1500,
      testSize: 300,
      probeSize: 100,
    }));
    // A run as recorded before the dynamics were stored: its epochs carry none of the new blobs.
    ({ runId: oldRunId } = await trainShortRun(db, {
      name: "old",
      epochs: 1,
      trainSize: 500,
      testSize: 100,
      probeSize: 50,
    }));
    db.sqlite
      .prepare("UPDATE Epoch SET trainLabelProbs = NULL, trainCorrect = NULL, valProbs = NULL WHERE runId = ?")
      .run(oldRunId);
    const rows = await listEpochDynamics(db, runId);
    stats = computeDynamics(
      rows.map((r) => r.labelProbs),
      rows.map((r) => r.correct),
    );
    [server, browser] = await Promise.all([startAppServer(db.file), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  async function openMap(): Promise<Page> {
    const page = await openPage(browser, server, `/runs/${runId}/dynamics`);
    await page.waitForSelector("[data-testid=data-map-canvas][data-loaded='1']");
    return page;
  }

  /** A page that records Content-Security-Policy violations in window.__cspViolations (as security.test.ts does). */
  async function openWatched(path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
      document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    expect((await page.goto(server.url + path))!.status()).toBe(200);
    return page;
  }

  /** The plot's pixel box inside the overlay: left, right, top, bottom (x: variability 0..0.5, y: confidence 0..1). */
  async function plotBox(page: Page) {
    const overlay = page.getByTestId("data-map-overlay");
    await overlay.scrollIntoViewIfNeeded();
    const [left, right, top, bottom] = (await overlay.getAttribute("data-plot"))!.split(",").map(Number) as [
      number,
      number,
      number,
      number,
    ];
    const origin = (await overlay.boundingBox())!;
    const toPage = (variability: number, confidence: number) => ({
      x: origin.x + left + (variability / 0.5) * (right - left),
      y: origin.y + bottom - confidence * (bottom - top),
    });
    return { toPage };
  }

  it("draws one point per training digit and states the regions and the most forgotten digits", async () => {
    const page = await openMap();
    const canvas = page.getByTestId("data-map-canvas");
    await page.waitForFunction(
      (n) => document.querySelector("[data-testid=data-map-canvas]")?.getAttribute("data-point-count") === String(n),
      TRAIN,
    );
    expect(Number(await canvas.getAttribute("data-point-count"))).toBe(TRAIN);
    expect(await page.getByTestId("dynamics-summary").getAttribute("data-epochs")).toBe("3");
    const regionTotal = await page
      .locator("[data-testid=region-counts] [data-region]")
      .evaluateAll((els) => els.reduce((s, e) => s + Number(e.getAttribute("data-count")), 0));
    expect(regionTotal).toBe(TRAIN);
    const neverLearned = stats.firstLearned.filter((f) => f === 0).length;
    expect(await page.getByTestId("never-learned").getAttribute("data-count")).toBe(String(neverLearned));
    const expectedForgotten = Array.from(mostForgotten(stats, 40));
    if (expectedForgotten.length > 0) {
      const shown = await page
        .locator("[data-testid=forgotten-gallery-item]")
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-index"))));
      expect(shown).toEqual(expectedForgotten);
      await page.waitForSelector("[data-testid=forgotten-gallery][data-loaded='1']");
    }
    await screenshot(page, "dynamics-map");
    await page.close();
  });

  it("opens the digits inside a dragged box, the same ones the stored statistics put there", async () => {
    const page = await openMap();
    const { toPage } = await plotBox(page);
    // A box over low variability and upper confidence: a part of the cloud, not all of it.
    const from = toPage(0.005, 0.98);
    const to = toPage(0.12, 0.55);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
    await page.mouse.move(to.x, to.y, { steps: 4 });
    await page.mouse.up();
    const selection = page.getByTestId("selection");
    await selection.waitFor();
    const [x0, x1, y0, y1] = (await selection.getAttribute("data-box"))!.split(",").map(Number) as [
      number,
      number,
      number,
      number,
    ];
    // The box in data units is where the mouse went (within a pixel's worth of the scales).
    expect(x0).toBeCloseTo(0.005, 2);
    expect(x1).toBeCloseTo(0.12, 2);
    expect(y0).toBeCloseTo(0.98, 1);
    expect(y1).toBeCloseTo(0.55, 1);
    const expected = Array.from(selectInBox(stats.confidence, stats.variability, { x0, x1, y0, y1 }));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(TRAIN);
    expect(Number(await selection.getAttribute("data-count"))).toBe(expected.length);
    const shown = await page
      .locator("[data-testid=selection-gallery-item]")
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-index"))));
    expect(shown).toEqual(expected.slice(0, 200));
    await page.waitForSelector("[data-testid=selection-gallery][data-loaded='1']");
    const labels = loadMnist().train.labels;
    const shownLabels = await page
      .locator("[data-testid=selection-gallery-item] .true-label")
      .evaluateAll((els) => els.map((e) => Number(e.textContent)));
    expect(shownLabels).toEqual(shown.map((i) => labels[i]));
    await page.close();
  });

  it("shows a hovered digit's thumbnail and statistics", async () => {
    const page = await openMap();
    const { toPage } = await plotBox(page);
    // The digit forgotten most, or else the least confident one: a point away from the dense easy corner.
    let target = mostForgotten(stats, 1)[0];
    if (target === undefined) target = stats.confidence.indexOf(Math.min(...stats.confidence));
    const at = toPage(stats.variability[target]!, stats.confidence[target]!);
    await page.mouse.move(at.x, at.y);
    const tip = page.getByTestId("data-map-tooltip");
    await tip.waitFor();
    const index = Number(await tip.getAttribute("data-index"));
    // The nearest point to the pointer: the target or one drawn within the hit radius of it.
    const near = toPage(stats.variability[index]!, stats.confidence[index]!);
    expect(Math.hypot(near.x - at.x, near.y - at.y)).toBeLessThanOrEqual(8);
    expect(await tip.textContent()).toContain(`training digit ${index}, label ${loadMnist().train.labels[index]}`);
    await page.close();
  });

  it("moves the validation reliability diagram and ECE to the epoch the slider picks", async () => {
    const page = await openPage(browser, server, `/runs/${runId}`);
    const valLabels = loadMnist().train.labels.subarray(TRAIN, TRAIN + VAL);
    const stored = (await listEpochValProbs(db, runId)).map((v) => computeCalibration(v.probs, valLabels));
    expect(stored).toHaveLength(3);
    const figure = page.getByTestId("calibration-val");
    const check = async (epoch: number) => {
      await expect(page.getByTestId("calibration-epoch").textContent()).resolves.toBe(String(epoch));
      const c = stored[epoch - 1]!;
      expect(Number(await figure.getAttribute("data-ece"))).toBeCloseTo(c.topLabel.ece, 12);
      expect(Number(await figure.getAttribute("data-classwise-ece"))).toBeCloseTo(c.classwiseEce, 12);
      const bars = await figure
        .getByTestId("reliability-bar")
        .evaluateAll((els) =>
          els.map((e) => [Number(e.getAttribute("data-count")), Number(e.getAttribute("data-accuracy"))]),
        );
      expect(bars).toEqual(c.topLabel.bins.filter((b) => b.count > 0).map((b) => [b.count, b.accuracy]));
    };
    await check(3);
    await page.getByTestId("calibration-slider").fill("0");
    await check(1);
    await page.getByTestId("calibration-slider").fill("1");
    await check(2);
    // The restored checkpoint on the test digits, from its stored predictions.
    const predictions = (await getTestPredictions(db, runId))!;
    const test = computeCalibration(predictions.probs, loadMnist().test.labels.subarray(0, predictions.count));
    expect(Number(await page.getByTestId("calibration-test").getAttribute("data-ece"))).toBeCloseTo(
      test.topLabel.ece,
      12,
    );
    await screenshot(page, "dynamics-calibration");
    await page.close();
  });

  it("says a run recorded before the dynamics has none, instead of failing", async () => {
    const page = await openPage(browser, server, `/runs/${oldRunId}/dynamics`);
    await page.getByTestId("dynamics-none").waitFor();
    await page.close();
    const overview = await openPage(browser, server, `/runs/${oldRunId}`);
    await overview.getByTestId("calibration-no-epochs").waitFor();
    await overview.getByTestId("calibration-test").waitFor();
    await overview.close();
    expect((await fetch(`${server.url}/api/runs/${oldRunId}/dynamics`)).status).toBe(404);
  });

  it("loads the dynamics tab and the overview's calibration without a Content-Security-Policy violation", async () => {
    for (const [path, ready] of [
      [`/runs/${runId}/dynamics`, "[data-testid=forgotten-gallery][data-loaded='1'], [data-testid=none-forgotten]"],
      [`/runs/${runId}`, "[data-testid=calibration-val]"],
    ] as const) {
      const page = await openWatched(path);
      await page.waitForSelector(ready);
      await page.waitForSelector("[data-testid=data-map-canvas][data-loaded='1'], [data-testid=calibration]");
      expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual(
        [],
      );
      await page.close();
    }
  });

  it("serves the data map blob and training pixels, and refuses bad or out-of-range indices with 400", async () => {
    const res = await fetch(`${server.url}/api/runs/${runId}/dynamics`);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(6 * TRAIN * 4);
    const pixels = await fetch(`${server.url}/api/runs/${runId}/dynamics/pixels?indices=0,5`);
    const bytes = new Uint8Array(await pixels.arrayBuffer());
    expect(Array.from(bytes.subarray(784 * 1, 784 * 2))).toEqual(
      Array.from(loadMnist().train.pixels.subarray(784 * 5, 784 * 6)),
    );
    for (const bad of ["", "1,,2", "-1", "a", String(TRAIN)]) {
      const r = await fetch(`${server.url}/api/runs/${runId}/dynamics/pixels?indices=${encodeURIComponent(bad)}`);
      expect(r.status, bad).toBe(400);
      expect(((await r.json()) as { field: string }).field).toBe("indices");
    }
  });
});
