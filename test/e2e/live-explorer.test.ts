// The Embeddings tab and a pair page while a run trains: layouts, epochs and pair figures stored meanwhile appear
// without a reload and without moving the view; UMAP is picked, kept in the URL and read back after a reload.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPage, screenshot } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { createLiveRun, type LiveRun } from "./live-fixture";
import { listStoredCells } from "../../lib/db/pair-store";
import { precomputeRunSeparations } from "../../lib/features/pairs/precompute";
import { SEPARATION_K } from "../../lib/numeric/pairs/separation";
import { layoutChecksum } from "../../lib/chart/scatter";
import type { ProjectionMethod } from "../../lib/core/projection";

const EPOCHS = 3;
/** Long enough for a poll (every 2 s) and a render on a loaded machine; the tests wait for conditions, not for time. */
const LIVE_TIMEOUT_MS = 20_000;

describe("live layouts and pair figures in Chromium", () => {
  let db: TestDb;
  let server: AppServer;
  let browser: Browser;
  let run: LiveRun;

  beforeAll(async () => {
    db = createTestDb();
    run = await createLiveRun(db, EPOCHS);
    [server, browser] = await Promise.all([startAppServer(db.file), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  const layout = (epoch: number, layer: number, method: ProjectionMethod) =>
    run.layouts.find((l) => l.source.epoch === epoch && l.source.layerIndex === layer && l.record.method === method)!
      .record;

  async function waitForLayout(page: Page, coords: Float32Array): Promise<void> {
    await page.waitForFunction(
      (c) => document.querySelector("[data-testid=scatter]")?.getAttribute("data-checksum") === c,
      layoutChecksum(coords),
      { timeout: LIVE_TIMEOUT_MS },
    );
  }

  async function waitForText(page: Page, testId: string, pattern: RegExp): Promise<void> {
    await page.waitForFunction(
      ([id, source]) => new RegExp(source!).test(document.querySelector(`[data-testid=${id}]`)?.textContent ?? ""),
      [testId, pattern.source],
      { timeout: LIVE_TIMEOUT_MS },
    );
  }

  /** Marks the document: a reload or a full navigation would drop the mark. */
  const markDocument = (page: Page) => page.evaluate(() => ((window as { liveMark?: number }).liveMark = 1));
  const sameDocument = (page: Page) => page.evaluate(() => (window as { liveMark?: number }).liveMark === 1);

  it("answers the catalog poll with 304 until something is stored, and resends the points only when they changed", async () => {
    await run.rewind(2, { status: "running", stage: "training" });
    const url = `${server.url}/api/runs/${run.runId}/projections/catalog`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    const etag = first.headers.get("etag")!;
    const body = (await first.json()) as { pointsStamp: string; points: unknown; progress: { active: boolean } };
    expect([body.pointsStamp, body.points !== null, body.progress.active]).toEqual(["2", true, true]);
    const idleMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const again = await fetch(`${url}?points=2`, { headers: { "if-none-match": etag } });
      idleMs.push(performance.now() - started);
      expect(again.status).toBe(304);
    }
    console.log(`catalog poll, unchanged: ${idleMs.map((ms) => ms.toFixed(1)).join(", ")} ms (304)`);
    await run.storeLayouts([1], ["pca"], 0);
    const changed = await fetch(`${url}?points=2`, { headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    const next = (await changed.json()) as { pointsStamp: string; points: unknown };
    expect([next.pointsStamp, next.points]).toEqual(["2", null]);
    const bad = await fetch(`${url}?points=x`);
    expect(bad.status).toBe(400);
    await expect(bad.json()).resolves.toEqual({ error: "points: must be a points stamp such as 12 or 16f" });
    expect((await fetch(`${server.url}/api/runs/999/projections/catalog`)).status).toBe(404);
  });

  it("opens the explorer when the first layouts are stored and adds a new epoch without moving the view", async () => {
    await run.rewind(2, { status: "running", stage: "training" });
    await run.removeLayouts();
    const page = await openPage(
      browser,
      server,
      `/runs/${run.runId}/embeddings?subset=probe&layer=0&method=tsne&epoch=1`,
    );
    await markDocument(page);
    await expect(page.getByTestId("no-projections").getAttribute("data-state")).resolves.toBe("waiting");
    await expect(page.getByTestId("live-progress").textContent()).resolves.toMatch(
      /^no epoch of 3 projected yet; projecting epoch 1; training epoch 3\./,
    );

    // The job stores epochs 1 and 2 (and the pixels): the explorer opens on the view the URL asks for.
    await run.storeLayouts([0, 1, 2], ["pca", "tsne"]);
    await waitForLayout(page, layout(1, 0, "tsne").coords);
    await waitForText(page, "live-progress", /^epoch 2 of 3 projected; training epoch 3\./);
    await expect(page.getByTestId("frame-slider").getAttribute("max")).resolves.toBe("1");

    // The reader zooms in and inspects a digit near the middle of the plot.
    const box = (await page.getByTestId("scatter-overlay").boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await page.waitForSelector("[data-testid=scatter][data-zoom]");
    const zoom = await page.getByTestId("scatter").getAttribute("data-zoom");
    expect(Number(zoom!.split(",")[0])).toBeGreaterThan(1);
    // The zoomed frame is painted (and its affine published) on the next animation frame.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const row = await page.evaluate(
      ({ cx, cy }) => {
        const wrap = document.querySelector("[data-testid=scatter]")!;
        const overlay = document.querySelector("[data-testid=scatter-overlay]")!.getBoundingClientRect();
        const [ax, bx, ay, by] = wrap.getAttribute("data-affine")!.split(",").map(Number) as [
          number,
          number,
          number,
          number,
        ];
        return { ax, bx, ay, by, left: overlay.left, top: overlay.top, cx, cy };
      },
      { cx: box.width / 2, cy: box.height / 2 },
    );
    const coords = layout(1, 0, "tsne").coords;
    let nearest = 0;
    let best = Infinity;
    for (let r = 0; r < coords.length / 2; r++) {
      const d = Math.hypot(row.ax + row.bx * coords[2 * r]! - row.cx, row.ay + row.by * coords[2 * r + 1]! - row.cy);
      if (d < best) [nearest, best] = [r, d];
    }
    await page.mouse.click(
      row.left + row.ax + row.bx * coords[2 * nearest]!,
      row.top + row.ay + row.by * coords[2 * nearest + 1]!,
    );
    const inspector = page.getByTestId("inspector");
    await inspector.waitFor({ state: "visible" });
    const inspected = await inspector.getAttribute("data-row");

    // The trainer records epoch 3, then the job stores its layouts.
    await run.recordEpoch(3);
    await waitForText(
      page,
      "live-progress",
      /^epoch 2 of 3 projected; projecting epoch 3; evaluating the final model\./,
    );
    await run.storeLayouts([3], ["pca", "tsne"]);
    await page.waitForFunction(
      () => document.querySelector("[data-testid=frame-slider]")?.getAttribute("max") === "2",
      undefined,
      { timeout: LIVE_TIMEOUT_MS },
    );
    await waitForText(page, "live-progress", /^epoch 3 of 3 projected; evaluating the final model\./);
    // Same layer, method, epoch, zoom and inspected digit; same document; the URL still names epoch 1.
    await expect(page.getByTestId("layer-select").inputValue()).resolves.toBe("0");
    await expect(page.getByTestId("method-tsne").getAttribute("aria-pressed")).resolves.toBe("true");
    await expect(page.getByTestId("frame-label").textContent()).resolves.toBe("after epoch 1");
    await expect(page.getByTestId("scatter").getAttribute("data-checksum")).resolves.toBe(layoutChecksum(coords));
    await expect(page.getByTestId("scatter").getAttribute("data-zoom")).resolves.toBe(zoom);
    await expect(page.getByTestId("inspector").getAttribute("data-row")).resolves.toBe(inspected);
    expect(page.url()).toMatch(/\?subset=probe&layer=0&method=tsne&epoch=1$/);
    await expect(sameDocument(page)).resolves.toBe(true);
    await screenshot(page, "embeddings-live-new-epoch");

    // The new epoch is in the animation: the slider reaches its stored layout.
    await page.getByTestId("frame-slider").fill("2");
    await waitForLayout(page, layout(3, 0, "tsne").coords);
    await expect(page.getByTestId("frame-label").textContent()).resolves.toBe("after epoch 3");

    // The run and its job end: the progress line goes, polling stops, and the header says so without a reload.
    await run.finish();
    await page.getByTestId("live-progress").waitFor({ state: "detached", timeout: LIVE_TIMEOUT_MS });
    await expect(page.getByTestId("embedding-explorer").getAttribute("data-live")).resolves.toBe("idle");
    await waitForText(page, "run-status", /^succeeded$/);
    await expect(sameDocument(page)).resolves.toBe(true);
    await page.close();
  });

  it("offers UMAP once its layouts are stored, shows its figures, and keeps it in the URL through a reload", async () => {
    // Training is over; the job projects, UMAP after PCA and t-SNE.
    await run.rewind(EPOCHS, { status: "succeeded", stage: "projecting" });
    await run.storeLayouts([0, 1, 2, 3], ["pca", "tsne"]);
    const page = await openPage(
      browser,
      server,
      `/runs/${run.runId}/embeddings?subset=probe&layer=1&method=tsne&epoch=2`,
    );
    await waitForLayout(page, layout(2, 1, "tsne").coords);
    await expect(page.getByTestId("method-umap").isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId("method-unavailable").textContent()).resolves.toMatch(
      /^UMAP of dense_2: not stored yet \(UMAP follows PCA and t-SNE\)$/,
    );
    await expect(page.getByTestId("projection-algorithm").textContent()).resolves.toBe(
      "t-SNE · algorithm not recorded",
    );
    await expect(page.getByTestId("kl-divergence").textContent()).resolves.toMatch(/^\d+\.\d{3}$/);

    await run.storeLayouts([1, 2, 3], ["umap"], 1);
    await page.waitForFunction(
      () => !(document.querySelector("[data-testid=method-umap]") as HTMLButtonElement | null)?.disabled,
      undefined,
      { timeout: LIVE_TIMEOUT_MS },
    );
    await page.getByTestId("method-umap").click();
    const umap = layout(2, 1, "umap");
    await waitForLayout(page, umap.coords);
    expect(page.url()).toMatch(/\?subset=probe&layer=1&method=umap&epoch=2$/);
    await expect(page.getByTestId("projection-algorithm").textContent()).resolves.toBe("UMAP · SGD · exact kNN");
    await expect(page.getByTestId("knn-accuracy").textContent()).resolves.toBe(
      `${(umap.knnAccuracy! * 100).toFixed(1)}%`,
    );
    await expect(page.getByTestId("trustworthiness").textContent()).resolves.toBe(umap.trustworthiness!.toFixed(3));
    expect(await page.getByTestId("kl-divergence").count()).toBe(0);
    await screenshot(page, "embeddings-umap");

    await page.reload();
    await waitForLayout(page, umap.coords);
    await expect(page.getByTestId("method-umap").getAttribute("aria-pressed")).resolves.toBe("true");
    await expect(page.getByTestId("frame-label").textContent()).resolves.toBe("after epoch 2");
    expect(page.url()).toMatch(/\?subset=probe&layer=1&method=umap&epoch=2$/);
    // Its epochs animate like the others': the last frame is UMAP's epoch-3 layout (the frames before it depend on
    // which epochs the fixture's own projection stored, the untrained epoch 0 included).
    const last = await page.getByTestId("frame-slider").getAttribute("max");
    await page.getByTestId("frame-slider").fill(last!);
    await expect(page.getByTestId("frame-label").textContent()).resolves.toBe("after epoch 3");
    await waitForLayout(page, layout(3, 1, "umap").coords);
    await run.finish();
    await page.close();
  });

  it("adds a newly stored epoch's separation figures to a pair page without a reload", async () => {
    await run.rewind(2, { status: "running", stage: "training" });
    await run.storeLayouts([0, 1, 2], ["pca", "tsne"]);
    const page = await openPage(browser, server, `/pairs/4-9?run=${run.runId}`);
    await markDocument(page);
    await expect(page.getByTestId("pair-page").getAttribute("data-state")).resolves.toBe("training");
    const epochHeads = () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll("[data-testid=separation-table] thead th")).map((th) => th.textContent),
      );
    await expect(epochHeads()).resolves.toEqual(["layer \\ epoch", "1", "2"]);
    await expect(page.getByTestId("separation-live").getAttribute("data-pending")).resolves.toBe("0");

    // Epoch 3 is recorded: its column appears, pending; then the job stores its figures and they fill it.
    await run.recordEpoch(3);
    await page.waitForFunction(
      () => document.querySelectorAll("[data-testid=separation-table] thead th").length === 4,
      undefined,
      { timeout: LIVE_TIMEOUT_MS },
    );
    await expect(page.getByTestId("separation-live").getAttribute("data-pending")).resolves.toBe("3");
    await precomputeRunSeparations(db, run.runId);
    await page.waitForFunction(
      () => document.querySelectorAll("[data-testid=sep-cell][data-epoch='3'][data-knn]").length === 3,
      undefined,
      { timeout: LIVE_TIMEOUT_MS },
    );
    const stored = await listStoredCells(db, run.runId, 4, 9, SEPARATION_K);
    const shown = await page.evaluate(() =>
      Array.from(document.querySelectorAll("[data-testid=sep-cell][data-epoch='3']")).map((c) => [
        c.getAttribute("data-layer"),
        Number(c.getAttribute("data-knn")),
      ]),
    );
    expect(shown).toEqual([0, 1, 2].map((layer) => [String(layer), stored.get(`${layer}/3`)!.knnPurity]));
    // The job stores epoch 3's layouts: the scatters move to the last epoch.
    await run.storeLayouts([3], ["pca", "tsne"]);
    await page.waitForFunction(
      () => /epoch 3$/.test(document.querySelector("[data-testid=separation] h3")?.textContent ?? ""),
      undefined,
      { timeout: LIVE_TIMEOUT_MS },
    );
    await expect(sameDocument(page)).resolves.toBe(true);
    await screenshot(page, "pair-live-new-epoch");
    await run.finish();
    await page.close();
  });
});
