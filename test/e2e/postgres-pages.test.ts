// The same runs served from SQLite and, after npm run db:copy, from PostgreSQL: the run overview, confusion, errors
// and embeddings pages show the same numbers in Chromium.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPredictionCounts } from "../../lib/db/digits";
import { copyDatabase } from "../../lib/features/db-copy/copy-database";
import { launchBrowser, openPage, waitForClientLayout } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { scratchPostgresUrl, type ScratchPostgres } from "../helpers/postgres-db";
import { seedTwoRuns, type SeededRuns } from "../helpers/seed-runs";
import { startAppServer, type AppServer } from "../helpers/server";

/** The visible text of each element matching `selector`, whitespace collapsed. */
async function texts(page: Page, selector: string): Promise<string[]> {
  return page
    .locator(selector)
    .evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).innerText.replace(/\s+/g, " ").trim()));
}

describe("pages on PostgreSQL after db:copy", () => {
  let db: TestDb;
  let postgres: ScratchPostgres;
  let runs: SeededRuns;
  let sqliteServer: AppServer;
  let postgresServer: AppServer;
  let browser: Browser;

  beforeAll(async () => {
    db = createTestDb();
    runs = await seedTwoRuns(db);
    postgres = scratchPostgresUrl("pages");
    const summary = await copyDatabase({ from: db.url, to: postgres.url, runIds: null });
    expect(summary.mismatches).toEqual([]);
    [sqliteServer, postgresServer, browser] = await Promise.all([
      startAppServer(db.file),
      startAppServer(postgres.url),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([sqliteServer?.stop(), postgresServer?.stop()]);
    await db?.cleanup();
    await postgres?.cleanup();
  });

  /** `read` run on the page at `path` of each server: [SQLite's, PostgreSQL's]. */
  async function onBoth<T>(path: string, read: (page: Page) => Promise<T>): Promise<[T, T]> {
    const results: T[] = [];
    for (const server of [sqliteServer, postgresServer]) {
      const page = await openPage(browser, server, path);
      try {
        results.push(await read(page));
      } finally {
        await page.close();
      }
    }
    return results as [T, T];
  }

  it("shows the same metrics, epochs, layers and settings on the run overview", async () => {
    for (const runId of [runs.runA, runs.runB]) {
      const [fromSqlite, fromPostgres] = await onBoth(`/runs/${runId}`, async (page) => {
        await waitForClientLayout(page);
        return texts(
          page,
          "[data-testid=metrics-table], [data-testid=epoch-table], [data-testid=summary-table], [data-testid=hyperparameters]",
        );
      });
      expect(fromSqlite).toHaveLength(4);
      expect(fromSqlite.join(" ")).toMatch(/\d\.\d/);
      expect(fromPostgres).toEqual(fromSqlite);
    }
  });

  it("shows the same confusion matrix cells", async () => {
    const [fromSqlite, fromPostgres] = await onBoth(`/runs/${runs.runA}/confusion`, (page) =>
      texts(page, "[data-testid=cm-cell]"),
    );
    expect(fromSqlite).toHaveLength(100);
    expect(fromPostgres).toEqual(fromSqlite);
  });

  it("shows the same error count and gallery as the database holds", async () => {
    const counts = await getPredictionCounts(db, runs.runA);
    const [fromSqlite, fromPostgres] = await onBoth(`/runs/${runs.runA}/errors`, async (page) => {
      await waitForClientLayout(page);
      return {
        count: await texts(page, "[data-testid=error-count]"),
        gallery: await texts(page, "[data-testid=gallery]"),
      };
    });
    expect(fromSqlite.count).toEqual([String(counts!.misclassifiedCount)]);
    expect(fromPostgres).toEqual(fromSqlite);
  });

  it("draws the same layout on the embeddings page", async () => {
    const [fromSqlite, fromPostgres] = await onBoth(`/runs/${runs.runA}/embeddings`, async (page) => {
      await page.waitForFunction(
        () => !!document.querySelector("[data-testid=scatter]")?.getAttribute("data-checksum"),
        undefined,
        {
          timeout: 30_000,
        },
      );
      return {
        checksum: await page.getByTestId("scatter").getAttribute("data-checksum"),
        text: await texts(page, "main"),
      };
    });
    expect(fromSqlite.checksum).toMatch(/\S/);
    expect(fromPostgres).toEqual(fromSqlite);
  });
});
