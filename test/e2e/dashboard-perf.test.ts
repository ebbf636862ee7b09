import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, SCREENSHOT_DIR } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { loadMnist } from "../../lib/db/digits";
import { selectProbeIndices } from "../../lib/mnist/probe";
import { createRng } from "../../lib/random";
import { insertSeedSizedRun } from "../db/run-fixture";

/**
 * Server response time (full body, warm, median of 5) and first contentful paint of each page on a seed-sized run.
 * The goals (300 ms, 1 s) are asserted only on a quiet machine (load average below the core count): on a shared,
 * saturated machine the figures measure the neighbours. A loose ceiling (10x) always applies and catches regressions.
 */
describe("dashboard speed on a finished 16-epoch run of the seed's size", () => {
  let db: TestDb;
  let server: AppServer;
  let browser: Browser;
  let pages: Array<[string, string]>;

  beforeAll(async () => {
    db = createTestDb();
    const labels = loadMnist().test.labels;
    const { runId, misclassified, probeIndices } = await insertSeedSizedRun(db, labels, {
      rng: createRng(7),
      probeIndices: selectProbeIndices(labels, 2000, 0),
    });
    const probeMistake = Array.from(misclassified).find((i) => probeIndices.includes(i)) ?? misclassified[0]!;
    pages = [
      ["home", "/"],
      ["run overview", `/runs/${runId}`],
      ["confusion", `/runs/${runId}/confusion`],
      ["errors gallery", `/runs/${runId}/errors`],
      ["digit inspector", `/runs/${runId}/digits/${probeMistake}`],
      ["gallery pixels (binary)", `/api/runs/${runId}/digits?set=errors`],
    ];
    [server, browser] = await Promise.all([startAppServer(db.file), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  it("answers each page within 300 ms and paints it within 1 s", async () => {
    const rows: string[] = [];
    const measured: Array<{ name: string; serverMs: number; fcpMs: number | null }> = [];
    for (const [name, url] of pages) {
      await (await fetch(server.url + url)).arrayBuffer();
      const times: number[] = [];
      for (let k = 0; k < 5; k++) {
        const start = performance.now();
        const res = await fetch(server.url + url);
        await res.arrayBuffer();
        times.push(performance.now() - start);
        expect(res.status).toBe(200);
      }
      const serverMs = times.sort((a, b) => a - b)[2]!;
      let fcpMs: number | null = null;
      if (!url.startsWith("/api/")) {
        // Median of 3 fresh tabs: the browser process is warm (as a user's is), the page is not.
        const paints: number[] = [];
        for (let k = 0; k < 3; k++) {
          const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
          await page.goto(server.url + url, { waitUntil: "load" });
          paints.push(await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN));
          await page.close();
        }
        fcpMs = paints.sort((a, b) => a - b)[1]!;
      }
      rows.push(`| ${name} | ${serverMs.toFixed(0)} ms | ${fcpMs === null ? "—" : `${fcpMs.toFixed(0)} ms`} |`);
      measured.push({ name, serverMs, fcpMs });
    }
    const load = `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
    const table = [`| page (${load}) | server response (median of 5, warm) | first contentful paint |`, "| --- | --- | --- |", ...rows].join("\n");
    console.log(table);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(path.join(SCREENSHOT_DIR, "dashboard-perf.md"), `${table}\n`);
    const quiet = os.loadavg()[0]! < os.cpus().length;
    const [serverGoal, paintGoal] = quiet ? [300, 1000] : [3000, 10_000];
    console.log(`load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores: asserting ${serverGoal} ms / ${paintGoal} ms`);
    for (const m of measured) {
      expect(m.serverMs, `${m.name} server time`).toBeLessThan(serverGoal);
      if (m.fcpMs !== null) expect(m.fcpMs, `${m.name} first contentful paint`).toBeLessThan(paintGoal);
    }
  });
});
