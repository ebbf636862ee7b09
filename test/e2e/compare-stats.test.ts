import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPage, screenshot } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { trainShortRun } from "../helpers/train";
import { blobToFloat32, blobToInt32, blobToUint8 } from "../../lib/db/blobs";
import { loadMnist } from "../../lib/mnist/dataset";
import { createRng } from "../../lib/numeric/random";
import { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED } from "../../lib/features/compare/significance";

const [A_DIGIT, B_DIGIT] = [4, 9];

/**
 * McNemar's p-value of b against c, computed apart from lib/numeric: scipy's binomtest (exact, b + c < 25) or chi2.sf
 * with the clamped continuity correction, when /usr/bin/python3 has scipy; otherwise the exact sum in plain doubles
 * (null for the chi-square case).
 */
function referencePValue(b: number, c: number): number | null {
  const m = b + c;
  if (existsSync("/usr/bin/python3")) {
    const script = `
import sys
from scipy.stats import binomtest, chi2
b, c = int(sys.argv[1]), int(sys.argv[2])
m = b + c
if m == 0: print(1.0)
elif m < 25: print(repr(binomtest(min(b, c), m, 0.5).pvalue))
else: print(repr(float(chi2.sf(max(0, abs(b - c) - 1) ** 2 / m, 1))))`;
    const out = spawnSync("/usr/bin/python3", ["-c", script, String(b), String(c)], { encoding: "utf8" });
    if (out.status === 0) return Number(out.stdout.trim());
  }
  if (m >= 25) return null;
  let term = 1 / 2 ** m;
  let tail = term;
  for (let i = 1; i <= Math.min(b, c); i++) {
    term *= (m - i + 1) / i;
    tail += term;
  }
  return Math.min(1, 2 * tail);
}

/** The page's interval recomputed with a plain loop: the same seed and resamples, numpy's default percentile. */
function referenceInterval(correctA: number[], correctB: number[]): { low: number; high: number } {
  const n = correctA.length;
  const rng = createRng(BOOTSTRAP_SEED);
  const diffs: number[] = [];
  for (let r = 0; r < BOOTSTRAP_RESAMPLES; r++) {
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const i = Math.floor(rng() * n);
      sum += correctB[i]! - correctA[i]!;
    }
    diffs.push(sum / n);
  }
  diffs.sort((x, y) => x - y);
  const at = (q: number) => {
    const h = (diffs.length - 1) * q;
    const lo = Math.floor(h);
    return diffs[lo]! + (h - lo) * (diffs[Math.min(lo + 1, diffs.length - 1)]! - diffs[lo]!);
  };
  return { low: at(0.025), high: at(0.975) };
}

/** Statistics on /compare and margin distributions on a pair page, on three short real runs, in Chromium. */
describe("compare statistics and pair margins in Chromium", () => {
  let db: TestDb;
  let server: AppServer;
  let browser: Browser;
  let runA: number;
  let runB: number;
  let runC: number;
  const labels = loadMnist().test.labels;

  beforeAll(async () => {
    db = createTestDb();
    const common = { epochs: 2, trainSize: 1000, testSize: 500, probeSize: 150 };
    ({ runId: runA } = await trainShortRun(db, { ...common, name: "stats A", seed: 1 }));
    ({ runId: runB } = await trainShortRun(db, {
      ...common,
      name: "stats B",
      seed: 2,
      optimizer: { name: "rmsprop", learningRate: 0.0003 },
    }));
    // Tested on 400 digits, not 500: it cannot be paired with A.
    ({ runId: runC } = await trainShortRun(db, { ...common, epochs: 1, testSize: 400, name: "stats C", seed: 3 }));
    [server, browser] = await Promise.all([startAppServer(db.file), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  const correctOf = (runId: number) => {
    const row = db.sqlite.prepare("SELECT predicted FROM TestPredictions WHERE runId = ?").get(runId) as {
      predicted: Buffer;
    };
    return Array.from(blobToUint8(row.predicted), (p, i) => (p === labels[i] ? 1 : 0));
  };

  it("/compare gives McNemar's b, c and p-value and the bootstrap interval, computed here from the stored predictions", async () => {
    const page: Page = await openPage(browser, server, `/compare?runs=${runA},${runB},${runC}`);
    const correctA = correctOf(runA);
    const correctB = correctOf(runB);
    const b = correctA.filter((v, i) => v === 1 && correctB[i] === 0).length;
    const c = correctA.filter((v, i) => v === 0 && correctB[i] === 1).length;
    const paired = page.locator(`[data-testid=significance][data-other="${runB}"]`);
    await expect(paired.getAttribute("data-kind")).resolves.toBe("paired");
    await expect(paired.getAttribute("data-b")).resolves.toBe(String(b));
    await expect(paired.getAttribute("data-c")).resolves.toBe(String(c));
    await expect(paired.getAttribute("data-test")).resolves.toBe(b + c < 25 ? "exact" : "chi-square");
    expect(await paired.getByTestId("significance-b").textContent()).toBe(String(b));
    expect(await paired.getByTestId("significance-c").textContent()).toBe(String(c));
    expect(await paired.getByTestId("significance-test").textContent()).toContain(
      b + c < 25 ? "exact binomial" : "chi-square with continuity correction",
    );

    const pShown = Number(await paired.getAttribute("data-p-value"));
    const pWant = referencePValue(b, c);
    if (pWant !== null) expect(Math.abs(pShown - pWant)).toBeLessThanOrEqual(1e-9 * Math.max(pWant, 1e-300));
    const pText = (await paired.getByTestId("significance-p").textContent())!;
    expect(pText).toMatch(/^p = (1|0\.\d\d\d?|\d\.\d × 10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/);
    if (pWant !== null && pWant >= 0.01 && pWant < 0.995) expect(pText).toBe(`p = ${pWant.toFixed(2)}`);

    const difference = (c - b) / correctA.length;
    const { low, high } = referenceInterval(correctA, correctB);
    expect(Number(await paired.getAttribute("data-difference"))).toBeCloseTo(difference, 12);
    expect(Number(await paired.getAttribute("data-low"))).toBeCloseTo(low, 12);
    expect(Number(await paired.getAttribute("data-high"))).toBeCloseTo(high, 12);
    const points = (v: number) => `${v > 0 ? "+" : v < 0 ? "−" : "±"}${Math.abs(v * 100).toFixed(2)}`;
    expect(await paired.getByTestId("significance-interval").textContent()).toBe(
      `${points(low)} to ${points(high)} points`,
    );
    const verdict = (await paired.getByTestId("significance-verdict").textContent())!;
    if (pWant !== null && pWant < 0.05 && c !== b)
      expect(verdict).toContain(`Run #${c > b ? runB : runA} is more accurate than run #${c > b ? runA : runB}`);
    if (pWant !== null && pWant >= 0.05) expect(verdict).toContain("No evidence of a difference");

    const unpaired = page.locator(`[data-testid=significance][data-other="${runC}"]`);
    await expect(unpaired.getAttribute("data-kind")).resolves.toBe("unpaired");
    expect(await unpaired.textContent()).toContain("cannot be paired: they were tested on different test subsets");
    await screenshot(page, "compare-stats");
    await page.close();
  });

  it("the pair page draws one margin distribution per recorded epoch, matching the stored probe probabilities", async () => {
    const page = await openPage(browser, server, `/pairs/${A_DIGIT}-${B_DIGIT}?run=${runA}`);
    const run = db.sqlite.prepare("SELECT probeIndices FROM Run WHERE id = ?").get(runA) as { probeIndices: Buffer };
    const probe = blobToInt32(run.probeIndices);
    const epochs = db.sqlite
      .prepare("SELECT epoch, probeProbs FROM Epoch WHERE runId = ? AND probeProbs IS NOT NULL ORDER BY epoch")
      .all(runA) as Array<{ epoch: number; probeProbs: Buffer }>;
    expect(epochs.length).toBe(2);
    const positions = [...probe.keys()].filter((k) => labels[probe[k]!] === A_DIGIT || labels[probe[k]!] === B_DIGIT);
    const countA = positions.filter((k) => labels[probe[k]!] === A_DIGIT).length;

    const section = page.getByTestId("margin-section");
    await section.waitFor();
    await expect(section.getAttribute("data-epochs")).resolves.toBe(String(epochs.length));
    await expect(section.getAttribute("data-count-a")).resolves.toBe(String(countA));
    await expect(section.getAttribute("data-count-b")).resolves.toBe(String(positions.length - countA));
    const figures = section.getByTestId("margin-epoch");
    expect(await figures.count()).toBe(epochs.length);

    const median = (v: number[]) => {
      const s = [...v].sort((x, y) => x - y);
      const m = s.length >> 1;
      return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
    };
    for (const [i, e] of epochs.entries()) {
      const fig = figures.nth(i);
      await expect(fig.getAttribute("data-epoch")).resolves.toBe(String(e.epoch));
      const probs = blobToFloat32(e.probeProbs);
      const margin = (k: number) => Math.fround(probs[k * 10 + A_DIGIT]! - probs[k * 10 + B_DIGIT]!);
      const marginsA = positions.filter((k) => labels[probe[k]!] === A_DIGIT).map(margin);
      const marginsB = positions.filter((k) => labels[probe[k]!] === B_DIGIT).map(margin);
      expect(Number(await fig.getAttribute("data-median-a"))).toBeCloseTo(median(marginsA), 6);
      expect(Number(await fig.getAttribute("data-median-b"))).toBeCloseTo(median(marginsB), 6);
      const binOf = (m: number) => Math.min(39, Math.floor(((m + 1) / 2) * 40));
      const counts = (ms: number[]) =>
        Array.from({ length: 40 }, (_, bin) => ms.filter((m) => binOf(m) === bin).length);
      await expect(fig.getAttribute("data-counts-a")).resolves.toBe(counts(marginsA).join(","));
      await expect(fig.getAttribute("data-counts-b")).resolves.toBe(counts(marginsB).join(","));
      // Both classes drawn as filled outlines in the SVG.
      for (const id of ["margin-path-a", "margin-path-b"])
        expect((await fig.getByTestId(id).getAttribute("d"))!.length).toBeGreaterThan(20);
    }
    await screenshot(page, "pair-margins");
    await page.close();
  });
});
