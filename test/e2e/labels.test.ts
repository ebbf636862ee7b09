// The suspect labels in Chromium: a short run's /labels page ranks digits as confident learning does on its stored
// predictions, an admin's review moves the corrected and excluded accuracies by what the predictions say, and the
// CSV export holds the review.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, waitForClientLayout } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { trainShortRun } from "../helpers/train";
import { getTestPredictions, type StoredPredictions } from "../../lib/db/digits";
import { loadMnist } from "../../lib/mnist/dataset";
import { rankSuspects, type Suspect } from "../../lib/numeric/labels/suspects";
import { predictedLabels } from "../../lib/numeric/metrics/classification";

const PASSWORD = "e2e-labels-password-2026";

describe("the /labels page in Chromium", () => {
  let db: TestDb;
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  let runId: number;
  let stored: StoredPredictions;
  let labels: Uint8Array;
  let expected: Suspect[];

  beforeAll(async () => {
    db = createTestDb();
    ({ runId } = await trainShortRun(db, { epochs: 2, trainSize: 3000, testSize: 1000, probeSize: 100 }));
    stored = (await getTestPredictions(db, runId))!;
    labels = loadMnist().test.labels.subarray(0, stored.count);
    expected = rankSuspects({ probs: stored.probs, labels }, "self-confidence").suspects;
    [server, browser] = await Promise.all([startAppServer(db.file, { ADMIN_PASSWORD: PASSWORD }), launchBrowser()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  /** The page's suspects as drawn: index, given, suggested, score. */
  async function shownSuspects() {
    return page.locator("[data-testid=suspect]").evaluateAll((nodes) =>
      nodes.map((n) => {
        const d = (n as HTMLElement).dataset;
        return {
          index: Number(d.index),
          given: Number(d.given),
          suggested: Number(d.suggested),
          score: Number(d.score),
        };
      }),
    );
  }

  it("ranks the run's suspects as confident learning does on its stored predictions, thumbnails drawn", async () => {
    expect(expected.length).toBeGreaterThan(3);
    const response = await page.goto(`${server.url}/labels?run=${runId}`);
    expect(response!.status()).toBe(200);
    await waitForClientLayout(page);
    const count = page.getByTestId("suspect-count");
    expect(Number(await count.getAttribute("data-total"))).toBe(expected.length);
    const shown = await shownSuspects();
    const firstPage = expected.slice(0, shown.length);
    expect(shown.map((s) => [s.index, s.given, s.suggested])).toEqual(
      firstPage.map((s) => [s.index, s.given, s.suggested]),
    );
    // Most suspect first: scores never decrease down the page.
    for (let i = 1; i < shown.length; i++) expect(shown[i]!.score).toBeGreaterThanOrEqual(shown[i - 1]!.score);
    expect(await page.locator("[data-testid=gallery] canvas[data-drawn='1']").count()).toBe(shown.length);
    // No admin session: no review buttons.
    expect(await page.getByTestId("review-buttons").count()).toBe(0);

    // The class filter keeps only suspects given that class, and stays in the URL.
    const given = expected[0]!.given;
    await page.goto(`${server.url}/labels?run=${runId}&given=${given}&rank=normalized-margin`);
    const filtered = await shownSuspects();
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((s) => s.given === given)).toBe(true);
    const byMargin = rankSuspects({ probs: stored.probs, labels }, "normalized-margin").suspects.filter(
      (s) => s.given === given,
    );
    expect(filtered.map((s) => s.index)).toEqual(byMargin.slice(0, filtered.length).map((s) => s.index));
  });

  it("shows the run's Labels tab, and a suspect badge on the errors it also counts as suspects", async () => {
    await page.goto(`${server.url}/runs/${runId}/labels`);
    expect(await page.locator("nav.tabs").getByRole("link", { name: "Labels" }).getAttribute("aria-current")).toBe(
      "page",
    );
    expect((await shownSuspects()).map((s) => s.index)).toEqual(
      expected.slice(0, (await shownSuspects()).length).map((s) => s.index),
    );
    await page.goto(`${server.url}/runs/${runId}/errors`);
    const badged = await page
      .locator("[data-testid=gallery-item]:has([data-testid=suspect-badge])")
      .evaluateAll((nodes) => nodes.map((n) => Number((n as HTMLElement).dataset.index)));
    const suspectSet = new Set(expected.map((s) => s.index));
    const shownErrors = await page
      .locator("[data-testid=gallery-item]")
      .evaluateAll((nodes) => nodes.map((n) => Number((n as HTMLElement).dataset.index)));
    expect(badged).toEqual(shownErrors.filter((i) => suspectSet.has(i)));
    expect(badged.length).toBeGreaterThan(0);
    await page.goto(`${server.url}/runs/${runId}/digits/${badged[0]}`);
    expect(await page.getByTestId("suspect-badge").count()).toBe(1);
  });

  it("an admin's review moves the corrected and excluded accuracies by what the predictions say; the CSV has it", async () => {
    await page.goto(`${server.url}/login?next=${encodeURIComponent(`/labels?run=${runId}`)}`);
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${server.url}/labels?run=${runId}`);

    const predicted = predictedLabels(stored.probs);
    // The first suspect the run got wrong: relabelled as its prediction, it becomes a right answer.
    const target = (await shownSuspects()).find((s) => predicted[s.index] !== s.given)!;
    expect(target).toBeDefined();
    const newLabel = predicted[target.index]!;
    const n = stored.count;
    let right = 0;
    for (let i = 0; i < n; i++) if (predicted[i] === labels[i]) right++;
    const row = page.locator(`[data-testid=accuracy-row][data-run="${runId}"]`);
    const value = async (cell: string) => Number(await row.getByTestId(cell).getAttribute("data-value"));
    expect(await value("acc-corrected")).toBeCloseTo(right / n, 9);

    const card = page.locator(`[data-testid=suspect][data-index="${target.index}"]`);
    await card.getByTestId("review-corrected").selectOption(String(newLabel));
    await card.getByTestId("review-mislabelled").click();
    await page.waitForFunction(
      (index) =>
        document.querySelector(`[data-testid=suspect][data-index="${index}"]`)?.getAttribute("data-verdict") ===
        "mislabelled",
      target.index,
    );
    expect(await value("acc-corrected")).toBeCloseTo((right + 1) / n, 9);
    // Excluded: the digit (a mistake) leaves both the count and the total.
    expect(await value("acc-excluded")).toBeCloseTo(right / (n - 1), 9);
    expect(await value("acc-original")).toBeCloseTo(right / n, 6);

    const csv = await (await fetch(`${server.url}/api/labels/reviews`)).text();
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("review_id,created_at,subset,index,given_label,verdict,corrected_label,session");
    const fields = lines[1]!.split(",");
    expect([fields[2], fields[3], fields[4], fields[5], fields[6]]).toEqual([
      "test",
      String(target.index),
      String(target.given),
      "mislabelled",
      String(newLabel),
    ]);
    expect(fields[7]).toMatch(/^[0-9a-f]{8}$/);
  });

  it("the review API wants a session and CSRF token and names a bad field with a 400", async () => {
    const body = JSON.stringify({ subset: "test", index: 1, verdict: "fine" });
    const anonymous = await fetch(`${server.url}/api/admin/labels/reviews`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    });
    expect(anonymous.status).toBe(401);
    const login = await fetch(`${server.url}/api/admin/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ password: PASSWORD }),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const post = (payload: unknown, token = csrfToken) =>
      fetch(`${server.url}/api/admin/labels/reviews`, {
        method: "POST",
        headers: { "Content-Type": "application/json", cookie, "x-csrf-token": token },
        body: JSON.stringify(payload),
      });
    expect((await post({ subset: "test", index: 1, verdict: "fine" }, "wrong")).status).toBe(403);
    const bad = await post({ subset: "test", index: 10_000, verdict: "fine" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors.index).toEqual([
      "index must be at most 9999 for the test set",
    ]);
    const wrongVerdict = await post({ subset: "test", index: 1, verdict: "fine", correctedLabel: 3 });
    expect(wrongVerdict.status).toBe(400);
    expect((await post({ subset: "train", index: 59_999, verdict: "ambiguous" })).status).toBe(201);
  });
});
