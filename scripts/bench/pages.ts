// Page speed on a finished run: server response and first contentful paint of each dashboard page (goal 300 ms / 1 s).
import os from "node:os";
import { parseArgs } from "node:util";
import { readEnv, sqlitePath } from "../../lib/env";
import { openDatabase } from "../../lib/db/client";
import { getMisclassifiedIndices } from "../../lib/db/digits";
import { getLatestSucceededRun, getRun } from "../../lib/db/runs";
import { launchBrowser } from "../../test/helpers/browser";
import { startAppServer } from "../../test/helpers/server";
import { measurePages, timingTable } from "./page-timing";

const { values } = parseArgs({ options: { run: { type: "string" } } });
const env = readEnv();
const db = openDatabase(env.DATABASE_URL);
const run = values.run ? await getRun(db, Number(values.run)) : await getLatestSucceededRun(db);
const mistakes = run?.status === "succeeded" ? await getMisclassifiedIndices(db, run.id) : null;
if (!run || !mistakes) {
  console.error(`bench:pages needs a succeeded run in ${env.DATABASE_URL} (train one with npm run train)`);
  process.exit(2);
}
const firstError = mistakes[0] ?? 0;
await db.close();

const pages = [
  ["home", "/"],
  ["run overview", `/runs/${run.id}`],
  ["confusion", `/runs/${run.id}/confusion`],
  ["errors gallery", `/runs/${run.id}/errors`],
  ["digit inspector", `/runs/${run.id}/digits/${firstError}`],
  ["embeddings", `/runs/${run.id}/embeddings`],
  ["pairs", `/pairs?run=${run.id}`],
  ["pair 4-9", `/pairs/4-9?run=${run.id}`],
  ["gallery pixels (binary)", `/api/runs/${run.id}/digits?set=errors`],
] as const;

const [server, browser] = await Promise.all([startAppServer(sqlitePath(env.DATABASE_URL)), launchBrowser()]);
try {
  const timings = await measurePages(server.url, browser, pages);
  const note = `run ${run.id}: ${run.epochsPlanned} epochs, ${mistakes.length} errors; load ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
  console.log(timingTable(timings, note));
  const slowest = Math.max(...timings.map((t) => t.serverMs));
  const slowestPaint = Math.max(...timings.map((t) => t.fcpMs ?? 0));
  console.log(`max_server_ms=${slowest.toFixed(0)} max_fcp_ms=${slowestPaint.toFixed(0)} goal=300/1000`);
} finally {
  await browser.close();
  await server.stop();
}
