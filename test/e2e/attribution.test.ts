// The attribution route and the inspector's attribution section in Chromium, on a short MLP run that kept every
// epoch's weights; the pair page's mean maps.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPage, screenshot } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { trainShortRun } from "../helpers/train";
import { blobToInt32, blobToUint8 } from "../../lib/db/blobs";
import { loadMnist } from "../../lib/mnist/dataset";
import { overlayRgba, sharedMaxAbs } from "../../lib/chart/attribution-overlay";
import { ATTRIBUTION_HEADER, decodeAttributionMeta, type AttributionMeta } from "../../lib/core/attribution";

describe("attributions in the digit inspector and on the pair page", () => {
  let db: TestDb;
  let server: AppServer;
  let browser: Browser;
  let runId: number;
  /** A digit the run got wrong, so predicted and true class differ. */
  let index: number;
  let predicted: number;
  const mnist = loadMnist();

  beforeAll(async () => {
    db = createTestDb();
    ({ runId } = await trainShortRun(db, {
      name: "attribution",
      epochs: 2,
      trainSize: 1500,
      testSize: 300,
      probeSize: 50,
      architecture: { kind: "mlp", hidden: [128, 64] },
      keepEpochWeights: true,
    }));
    const row = db.sqlite
      .prepare("SELECT predicted, misclassified FROM TestPredictions WHERE runId = ?")
      .get(runId) as {
      predicted: Buffer;
      misclassified: Buffer;
    };
    index = blobToInt32(row.misclassified)[0]!;
    predicted = blobToUint8(row.predicted)[index]!;
    [server, browser] = await Promise.all([startAppServer(db.file), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  const api = (query: string) => `${server.url}/api/runs/${runId}/digits/${index}/attribution?${query}`;

  async function fetchMap(query: string): Promise<{ values: Float32Array; meta: AttributionMeta }> {
    const res = await fetch(api(query));
    expect(res.status, await res.clone().text()).toBe(200);
    const meta = decodeAttributionMeta(res.headers.get(ATTRIBUTION_HEADER))!;
    return { values: new Float32Array(await res.arrayBuffer()), meta };
  }

  it("serves a float32 [28 × 28] map with its metadata, the second time from the cache", async () => {
    const query = "method=integrated-gradients&class=true&baseline=blurred&checkpoint=best";
    const first = await fetchMap(query);
    const second = await fetchMap(query);
    expect(first.values).toHaveLength(784);
    expect(first.meta).toMatchObject({ method: "integrated-gradients", targetClass: mnist.test.labels[index] });
    expect(first.meta.completenessError).toBeLessThan(0.05);
    expect([first.meta.cache, second.meta.cache]).toEqual(["miss", "hit"]);
    expect(Array.from(second.values)).toEqual(Array.from(first.values));
    const epoch1 = await fetchMap("method=gradient&checkpoint=epoch-1");
    expect(epoch1.meta.checkpointEpoch).toBe(1);
  });

  it("answers bad queries 400 naming the field, and missing things 404", async () => {
    const cases: Array<[string, number, string?]> = [
      ["method=pca", 400, "method"],
      ["method=gradient&class=10", 400, "class"],
      ["method=gradient&baseline=white", 400, "baseline"],
      ["method=gradient&checkpoint=last", 400, "checkpoint"],
      ["method=gradient&method=occlusion", 400, "method"],
      ["method=gradient&checkpoint=epoch-9", 404],
    ];
    for (const [query, status, field] of cases) {
      const res = await fetch(api(query));
      expect(res.status, query).toBe(status);
      if (field) expect(((await res.json()) as { field: string }).field).toBe(field);
    }
    expect((await fetch(`${server.url}/api/runs/9999/digits/0/attribution?method=gradient`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/runs/${runId}/digits/300/attribution?method=gradient`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/runs/${runId}/digits/x/attribution?method=gradient`)).status).toBe(400);
  });

  /** The main canvas's RGBA, its domain, and the method and class the page says it shows, once drawn. */
  async function drawn(page: Page, method: string, targetClass: number) {
    await page.waitForFunction(
      ([m, c]) => {
        const meta = document.querySelector("[data-testid=attribution-meta]");
        const canvas = document.querySelector("[data-testid=attribution-main]");
        return (
          meta?.getAttribute("data-method") === m &&
          meta.getAttribute("data-class") === String(c) &&
          canvas?.getAttribute("data-state") === "drawn"
        );
      },
      [method, targetClass] as const,
      { timeout: 30_000 },
    );
    return page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>("[data-testid=attribution-main]")!;
      return {
        rgba: Array.from(canvas.getContext("2d")!.getImageData(0, 0, 28, 28).data),
        maxAbs: Number(canvas.getAttribute("data-max-abs")),
      };
    });
  }

  /** The RGBA the page must draw for the API's map of `query`. */
  async function expected(query: string) {
    const { values } = await fetchMap(query);
    const pixels = Array.from(mnist.test.pixels.subarray(index * 784, (index + 1) * 784));
    const maxAbs = sharedMaxAbs(values);
    return { rgba: Array.from(overlayRgba(pixels, values, maxAbs, new Uint8ClampedArray(784 * 4))), maxAbs, values };
  }

  it("draws the API's map and switches method and class", async () => {
    const page = await openPage(browser, server, `/runs/${runId}/digits/${index}`);
    const trueLabel = mnist.test.labels[index]!;
    const ig = await drawn(page, "integrated-gradients", predicted);
    const igWant = await expected("method=integrated-gradients&class=predicted&baseline=black&checkpoint=best");
    expect(ig.maxAbs).toBe(igWant.maxAbs);
    expect(ig.rgba).toEqual(igWant.rgba);
    await expect(page.textContent("[data-testid=completeness-error]")).resolves.toMatch(/^\d+\.\d\d %$/);

    await page.selectOption("[data-testid=attr-method]", "gradient");
    const grad = await drawn(page, "gradient", predicted);
    const gradWant = await expected("method=gradient&class=predicted&baseline=black&checkpoint=best");
    expect(grad.rgba).toEqual(gradWant.rgba);
    expect(grad.rgba).not.toEqual(ig.rgba);

    await page.selectOption("[data-testid=attr-class]", "true");
    const asTrue = await drawn(page, "gradient", trueLabel);
    const trueWant = await expected("method=gradient&class=true&baseline=black&checkpoint=best");
    expect(asTrue.rgba).toEqual(trueWant.rgba);
    expect(Array.from(trueWant.values)).not.toEqual(Array.from(gradWant.values));

    // Predicted against true side by side, and both kept epochs' small multiples, all drawn.
    await page.waitForFunction(
      () =>
        ["attribution-predicted", "attribution-true", "attribution-difference"].every(
          (id) => document.querySelector(`[data-testid=${id}]`)?.getAttribute("data-state") === "drawn",
        ) && document.querySelectorAll("[data-testid=epoch-evidence] canvas[data-state=drawn]").length === 2,
      undefined,
      { timeout: 30_000 },
    );
    await expect(page.locator("[data-testid=attribution-legend]").count()).resolves.toBeGreaterThan(0);
    await screenshot(page, "attribution-inspector");
    await page.close();
  });

  it("shows each direction's mean attribution on the pair page", async () => {
    const trueLabel = mnist.test.labels[index]!;
    const [a, b] = [Math.min(trueLabel, predicted), Math.max(trueLabel, predicted)];
    const page = await openPage(browser, server, `/pairs/${a}-${b}?run=${runId}`);
    const box = page.locator(`[data-testid=mistake-attribution-${trueLabel}-${predicted}]`);
    await box.waitFor({ timeout: 30_000 });
    expect(Number(await box.getAttribute("data-count"))).toBeGreaterThanOrEqual(1);
    await screenshot(page, "attribution-pair");
    await page.close();
  });
});
