// The /draw playground in Chromium: strokes read by the run's model in the browser (wasm backend under the page's
// CSP), neighbours and the layout marker from the server, test digits loaded into the canvas; the model files' caching
// and the neighbours route's answers to bad bodies.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPage, screenshot } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { trainShortRun } from "../helpers/train";
import { projectRun } from "../../lib/features/projection/project-run";
import { getTestPredictions } from "../../lib/db/digits";
import { getCheckpoint } from "../../lib/db/checkpoints";
import { HOSTILE_BODIES } from "./hostile-routes";

/** Pointer strokes in canvas pixels (the canvas is 280 × 280 CSS pixels). */
type Stroke = Array<[number, number]>;

const ONE: Stroke[] = [
  [
    [150, 40],
    [146, 90],
    [142, 140],
    [138, 190],
    [134, 240],
  ],
];

/** An upright ellipse, closed, drawn as one stroke of 48 segments. */
const ZERO: Stroke[] = [
  Array.from({ length: 49 }, (_, i): [number, number] => {
    const t = (i / 48) * Math.PI * 2;
    return [140 + 62 * Math.sin(t), 140 - 95 * Math.cos(t)];
  }),
];

async function drawStrokes(page: Page, strokes: Stroke[]): Promise<void> {
  const box = (await page.getByTestId("draw-canvas").boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + (x / 280) * box.width, box.y + (y / 280) * box.height] as const;
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]!));
    await page.mouse.down();
    for (const p of stroke.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
    await page.mouse.up();
  }
}

const attr = (page: Page, testId: string, name: string) => page.getByTestId(testId).getAttribute(name);

/**
 * Waits until the readout shows the newest drawing read from the canvas (every drawing up to it predicted), and
 * answers its top class. A stroke's end, an undo or a loaded digit reads the canvas before the call returns.
 */
async function settledTop(page: Page): Promise<string> {
  const read = Number(await attr(page, "playground", "data-read-seq"));
  expect(read).toBeGreaterThan(0);
  await page.waitForFunction(
    (seq) => Number(document.querySelector("[data-testid=playground]")?.getAttribute("data-done-seq")) >= seq,
    read,
    { timeout: 30_000 },
  );
  return (await attr(page, "probabilities", "data-top"))!;
}

async function openPlayground(browser: Browser, server: AppServer, runId: number) {
  const violations: string[] = [];
  const page = await openPage(browser, server, `/draw?run=${runId}`);
  page.on("console", (m) => {
    if (/content security policy|wasm-unsafe-eval/i.test(m.text())) violations.push(m.text());
  });
  await page.waitForFunction(
    () => document.querySelector("[data-testid=playground]")?.getAttribute("data-backend"),
    undefined,
    { timeout: 60_000 },
  );
  return { page, violations };
}

describe("/draw: a digit drawn in the browser, read by a run's model", () => {
  let db: TestDb;
  let server: AppServer;
  let browser: Browser;
  let mlp: number;
  let cnn: number;
  const figures: string[] = [];

  beforeAll(async () => {
    db = createTestDb();
    // Narrow layers and three epochs on 5,000 digits: quick, and sure of its 1s and 0s.
    ({ runId: mlp } = await trainShortRun(db, {
      name: "draw mlp",
      architecture: { kind: "mlp", hidden: [256, 128], dropout: 0.2 },
      epochs: 3,
      trainSize: 5000,
      testSize: 1000,
      probeSize: 100,
    }));
    await projectRun(db, mlp, { iterations: 250, warmIterations: 50, methods: ["tsne"], pairs: false, snapshots: [] });
    ({ runId: cnn } = await trainShortRun(db, {
      name: "draw cnn",
      architecture: { kind: "cnn" },
      epochs: 1,
      trainSize: 400,
      testSize: 200,
      probeSize: 100,
    }));
    [server, browser] = await Promise.all([startAppServer(db.file), launchBrowser()]);
  });
  afterAll(async () => {
    for (const line of figures) console.log(line);
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  it("serves the checkpoint as tf.io files with an ETag, immutable at the versioned URL, 304 on a match", async () => {
    const page = await fetch(`${server.url}/draw?run=${mlp}`);
    // Only /draw may compile WebAssembly; the other pages keep the policy without it.
    expect(page.headers.get("content-security-policy")).toContain("'wasm-unsafe-eval'");
    const home = await fetch(`${server.url}/`);
    expect(home.headers.get("content-security-policy")).not.toContain("wasm-unsafe-eval");
    const html = await page.text();
    const url = /\/api\/runs\/\d+\/model\/model\.json\?v=([\w-]+)/.exec(html);
    expect(url, "the page names its versioned model URL").not.toBeNull();
    const res = await fetch(server.url + url![0]);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    const etag = res.headers.get("etag")!;
    expect(etag).toMatch(/^"model-[\w-]+-json"$/);
    const body = (await res.json()) as {
      modelTopology: { class_name: string };
      weightsManifest: Array<{ paths: string[]; weights: Array<{ shape: number[] }> }>;
    };
    expect(body.modelTopology.class_name).toBe("Sequential");
    expect(body.weightsManifest[0]!.paths).toEqual(["weights.bin"]);
    const again = await fetch(server.url + url![0], { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);

    const weightsUrl = `${server.url}/api/runs/${mlp}/model/weights.bin?v=${url![1]}`;
    const weights = await fetch(weightsUrl);
    expect(weights.status).toBe(200);
    const bytes = new Uint8Array(await weights.arrayBuffer());
    const values = body.weightsManifest[0]!.weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(bytes.length).toBe(values * 4);
    expect(Buffer.from(bytes).equals((await getCheckpoint(db, mlp, "best"))!.weightData)).toBe(true);
    const weightsAgain = await fetch(weightsUrl, { headers: { "If-None-Match": weights.headers.get("etag")! } });
    expect(weightsAgain.status).toBe(304);
    // Without the version, every use revalidates: a reset database may reuse the run id.
    const unversioned = await fetch(`${server.url}/api/runs/${mlp}/model/model.json`);
    expect(unversioned.headers.get("cache-control")).toBe("private, no-cache");
    expect((await fetch(`${server.url}/api/runs/999999/model/model.json`)).status).toBe(404);
    // tfjs's binaries come from this server: WebAssembly's magic number, the type instantiateStreaming requires.
    const wasm = await fetch(`${server.url}/api/tfjs-wasm/tfjs-backend-wasm-simd.wasm`);
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get("content-type")).toBe("application/wasm");
    expect(Array.from(new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4))).toEqual([0, 0x61, 0x73, 0x6d]);
    expect((await fetch(`${server.url}/api/tfjs-wasm/package.json`)).status).toBe(400);
    expect((await fetch(`${server.url}/api/runs/999999/model/weights.bin`)).status).toBe(404);
  });

  it("answers bad neighbour bodies with 4xx naming the field, and a good one with 8 test digits", async () => {
    const width = 128;
    const post = (body: string, run = mlp) =>
      fetch(`${server.url}/api/runs/${run}/drawing-neighbours`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
      });
    const good = JSON.stringify({ hidden: Array.from({ length: width }, (_, i) => (i % 7) / 7) });
    const bad = [
      ...HOSTILE_BODIES["/api/runs/[id]/drawing-neighbours"]!,
      // A vector of the wrong width for this run's last hidden layer (128 units).
      { body: '{"hidden": [1, 2, 3]}', status: 400, field: "hidden" },
    ];
    for (const { body, status, field } of bad) {
      const res = await post(body);
      const answer = (await res.json()) as { field?: string; error?: string };
      expect(res.status, body.slice(0, 60)).toBe(status);
      expect(answer.field, body.slice(0, 60)).toBe(field);
      expect(answer.error, body.slice(0, 60)).toBeTruthy();
    }
    expect((await post(good, 999_999)).status).toBe(404);
    const res = await post(good);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { neighbours: Array<{ row: number; label: number }>; position: unknown };
    expect(answer.neighbours).toHaveLength(8);
    expect(answer.position).not.toBeNull();
  });

  it("reads a drawn 1 and a drawn 0 on the wasm backend, lists 8 neighbours and marks the layout", async () => {
    const { page, violations } = await openPlayground(browser, server, mlp);
    expect(await attr(page, "playground", "data-backend")).toBe("wasm");
    const loadMs = Number(await attr(page, "playground", "data-load-ms"));

    const strokeTimes: number[] = [];
    for (const [digit, strokes] of [
      ["1", ONE],
      ["0", ZERO],
    ] as const) {
      await page.getByTestId("clear").click();
      const started = performance.now();
      await drawStrokes(page, strokes);
      const top = await settledTop(page);
      strokeTimes.push(Number(await attr(page, "playground", "data-update-ms")));
      expect(top, `the drawn ${digit}`).toBe(digit);
      await page.waitForFunction(() => document.querySelector("[data-testid=neighbours]")?.children.length === 8);
      await page.getByTestId("layout-marker").waitFor({ timeout: 15_000 });
      const labels = await page
        .getByTestId("neighbours")
        .locator("li")
        .evaluateAll((li) => li.map((l) => l.dataset.label));
      expect(
        labels.filter((l) => l === digit).length,
        `neighbours of the drawn ${digit}: ${labels.join(",")}`,
      ).toBeGreaterThanOrEqual(5);
      figures.push(
        `draw ${digit}: stroke to settled prediction ${(performance.now() - started).toFixed(0)} ms (wall, incl. pointer moves)`,
      );
    }
    const marker = await page.getByTestId("layout-marker").evaluate((g) => [Number(g.dataset.x), Number(g.dataset.y)]);
    expect(marker.every(Number.isFinite)).toBe(true);
    // The attribution is drawn and its legend is symmetric around 0.
    const legend = await page.getByTestId("attribution-legend").innerText();
    expect(legend).toMatch(/^−(\S+)\s+0\s+\+\1$/);
    expect(violations).toEqual([]);
    figures.push(
      `draw mlp [256,128]: model load ${loadMs.toFixed(0)} ms (backend wasm), preprocessing + prediction + attribution per update ${strokeTimes.map((t) => t.toFixed(1)).join(", ")} ms`,
    );
    await screenshot(page, "draw-zero");
    await page.close();
  });

  it("loads a test digit into the canvas as the pixels API serves it, and predicts what the run stored for it", async () => {
    const { page } = await openPlayground(browser, server, mlp);
    const stored = (await getTestPredictions(db, mlp))!;
    for (const index of [0, 1, 2, 3, 4, 5, 6, 7]) {
      const range = await fetch(`${server.url}/api/runs/${mlp}/projections/pixels?subset=test`, {
        headers: { Range: `bytes=${index * 784}-${index * 784 + 783}` },
      });
      const pixels = new Uint8Array(await range.arrayBuffer());
      await page.getByTestId("digit-index").fill(String(index));
      await page.getByTestId("load-digit").click();
      await page.waitForFunction(
        (i) => document.querySelector("[data-testid=playground]")?.getAttribute("data-loaded-digit") === String(i),
        index,
      );
      // The canvas at the centre of each 10 × 10 cell holds the digit's grey level as ink (alpha).
      const canvasInk = await page.getByTestId("draw-canvas").evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext("2d")!.getImageData(0, 0, 280, 280).data;
        return Array.from(
          { length: 784 },
          (_, i) => data[((Math.floor(i / 28) * 10 + 5) * 280 + (i % 28) * 10 + 5) * 4 + 3]!,
        );
      });
      const worst = Math.max(...canvasInk.map((v, i) => Math.abs(v - pixels[i]!)));
      expect(worst, `test digit ${index}`).toBeLessThanOrEqual(1);
      const top = await settledTop(page);
      expect(Number(top), `test digit ${index} drawn back`).toBe(stored.predicted[index]);
    }
    // Erasing part of the loaded digit is one more stroke that changes the reading's input.
    const readBefore = Number(await attr(page, "playground", "data-read-seq"));
    await page.getByTestId("eraser").click();
    await drawStrokes(page, [
      [
        [60, 60],
        [220, 220],
      ],
    ]);
    await settledTop(page);
    expect(Number(await attr(page, "playground", "data-read-seq"))).toBeGreaterThan(readBefore);
    expect(await attr(page, "draw-canvas", "data-strokes")).toBe("1");
    await page.getByTestId("undo").click();
    expect(await attr(page, "draw-canvas", "data-strokes")).toBe("0");
    await page.close();
  });

  it("runs the CNN preset's checkpoint in the browser too, with its attribution and neighbours", async () => {
    const { page, violations } = await openPlayground(browser, server, cnn);
    const loadMs = Number(await attr(page, "playground", "data-load-ms"));
    const stored = (await getTestPredictions(db, cnn))!;
    const times: number[] = [];
    for (const index of [0, 1, 2]) {
      await page.getByTestId("digit-index").fill(String(index));
      await page.getByTestId("load-digit").click();
      await page.waitForFunction(
        (i) => document.querySelector("[data-testid=playground]")?.getAttribute("data-loaded-digit") === String(i),
        index,
      );
      const top = await settledTop(page);
      times.push(Number(await attr(page, "playground", "data-update-ms")));
      expect(Number(top), `CNN, test digit ${index}`).toBe(stored.predicted[index]);
    }
    await page.waitForFunction(() => document.querySelector("[data-testid=neighbours]")?.children.length === 8);
    expect(await attr(page, "playground", "data-backend")).toBe("wasm");
    expect(violations).toEqual([]);
    figures.push(
      `draw cnn preset: model load ${loadMs.toFixed(0)} ms (backend wasm), preprocessing + prediction + attribution per update ${times.map((t) => t.toFixed(1)).join(", ")} ms`,
    );
    await page.close();
  });
});
