// A CNN run in the embedding explorer: its conv blocks are layers like the MLP's, and switching shows their layouts.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPage, screenshot } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { trainShortRun } from "../helpers/train";
import { getFinalTsneCoords } from "../../lib/db/projections";
import { listLayerNames } from "../../lib/db/embeddings";
import { projectRun } from "../../lib/features/projection/project-run";
import { layoutChecksum } from "../../lib/chart/scatter";

/** Waits until the scatter draws exactly the stored probe layout of `layer` after `epoch`. */
async function waitForStoredLayout(page: Page, db: TestDb, runId: number, layer: number, epoch: number): Promise<void> {
  const coords = await getFinalTsneCoords(db, runId, { subset: "probe", epoch, layerIndex: layer });
  expect(coords, `stored t-SNE of probe layer ${layer} after epoch ${epoch}`).not.toBeNull();
  await page.waitForFunction(
    (c) => document.querySelector("[data-testid=scatter]")?.getAttribute("data-checksum") === c,
    layoutChecksum(coords!),
    { timeout: 15_000 },
  );
}

describe("a CNN run in the embedding explorer", () => {
  let db: TestDb;
  let server: AppServer;
  let browser: Browser;
  let runId: number;
  let layerNames: Map<number, string>;

  beforeAll(async () => {
    db = createTestDb();
    ({ runId } = await trainShortRun(db, {
      architecture: { kind: "cnn" },
      epochs: 1,
      trainSize: 400,
      testSize: 200,
      probeSize: 100,
      name: "cnn explorer e2e",
    }));
    await projectRun(db, runId, { iterations: 300, warmIterations: 100 });
    layerNames = await listLayerNames(db, runId);
    [server, browser] = await Promise.all([startAppServer(db.file), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  it("lists the conv blocks beside the dense layer, named by the model, and shows each one's stored layout", async () => {
    const convLayers = [...layerNames].filter(([, name]) => name.startsWith("max_pooling2d"));
    const denseLayers = [...layerNames].filter(([, name]) => name.startsWith("dense"));
    expect(convLayers.length).toBe(2);
    expect(denseLayers.length).toBe(1);

    const page = await openPage(browser, server, `/runs/${runId}/embeddings?subset=probe&layer=0&method=tsne&epoch=1`);
    const options = await page.getByTestId("layer-select").locator("option").allTextContents();
    for (const [, name] of [...convLayers, ...denseLayers]) expect(options).toContain(name);

    const [firstConv] = convLayers[0]!;
    const [dense] = denseLayers[0]!;
    await waitForStoredLayout(page, db, runId, firstConv, 1);
    await page.getByTestId("layer-select").selectOption(String(dense));
    await waitForStoredLayout(page, db, runId, dense, 1);
    await page.getByTestId("layer-select").selectOption(String(convLayers[1]![0]));
    await waitForStoredLayout(page, db, runId, convLayers[1]![0], 1);
    expect(page.url()).toContain(`layer=${convLayers[1]![0]}`);
    await screenshot(page, "cnn-explorer-conv-layer");
    await page.close();
  });
});
