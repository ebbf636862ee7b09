// Shared plumbing of the per-run scripts (npm run pairs, npm run project): the run list, stopping between runs.
import "server-only";
import type { Db } from "../../db/client";
import { listSucceededRunIds } from "../../db/runs";

/** The runs a `--run ID` / `--all` script works on: that run, or every succeeded run in id order. */
export async function selectRunIds(db: Db, args: { run?: number | undefined; all: boolean }): Promise<number[]> {
  if (!args.all) return [args.run!];
  return listSucceededRunIds(db);
}

/** An AbortController that SIGINT and SIGTERM abort, so a script stops between units of work and keeps what it stored. */
export function abortOnSignals(): AbortController {
  const controller = new AbortController();
  process.on("SIGINT", () => controller.abort());
  process.on("SIGTERM", () => controller.abort());
  return controller;
}
