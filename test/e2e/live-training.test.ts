// A real job trained by the worker while Chromium shows its Embeddings tab: the follower's per-epoch layouts appear
// while the run is still training, and later epochs join the animation without a reload.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tsxCommand } from "../../lib/features/jobs/child";
import { launchBrowser, openPage } from "../helpers/browser";
import { createTestDb, type TestDb } from "../helpers/db";
import { startAppServer, type AppServer } from "../helpers/server";
import { enqueueSmallJobs, runWorkerInProcess } from "../helpers/stage";
import { waitUntil } from "../features/jobs/worker-process";

/** Narrow layers and 100 probe digits: each epoch's layouts take a fraction of the epoch's training time. */
const FORM = { hidden: "512,16", trainSize: 9000, testSize: 300, probeSize: 100, epochs: 8 };
const follow = (_runId: number, flags: string[]) =>
  tsxCommand("scripts/project.ts", [...flags, "--iterations=100", "--warm-iterations=50"]);

describe("layouts of a run that is training, in Chromium", () => {
  let db: TestDb;
  let server: AppServer;
  let browser: Browser;

  beforeAll(async () => {
    db = createTestDb();
    [server, browser] = await Promise.all([startAppServer(db.file), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  it("shows epoch 1's layout before training ends and the last epoch's after, in the same document", async () => {
    const [jobId] = await enqueueSmallJobs(db, FORM);
    const worker = runWorkerInProcess(db, { followCommand: follow });
    const run = await waitUntil(
      () => db.prisma.run.findFirst({ where: { jobId }, select: { id: true } }),
      (r) => r !== null,
      60_000,
    );
    const page = await openPage(browser, server, `/runs/${run!.id}/embeddings?subset=probe&layer=0&method=tsne`);
    await page.evaluate(() => ((window as { liveMark?: number }).liveMark = 1));

    await page.waitForSelector("[data-testid=scatter][data-checksum]", { timeout: 120_000 });
    const atFirstLayout = {
      epochs: await db.prisma.epoch.count({ where: { runId: run!.id } }),
      job: (await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } })).status,
    };
    expect(atFirstLayout.job).toBe("running");
    expect(atFirstLayout.epochs).toBeLessThan(FORM.epochs);

    const { ran, lines } = await worker;
    expect(ran, lines.join("\n")).toBe(1);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.status, lines.join("\n")).toBe("succeeded");
    // Every epoch joins the slider; the document is the one opened before the first layout.
    await page.waitForFunction(
      (max) => document.querySelector("[data-testid=frame-slider]")?.getAttribute("max") === String(max),
      FORM.epochs - 1,
      { timeout: 30_000 },
    );
    expect(await page.evaluate(() => (window as { liveMark?: number }).liveMark)).toBe(1);
  });
});
