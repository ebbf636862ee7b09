// Shared plumbing of the per-run scripts (npm run pairs, npm run project): arguments, run list, stopping.
import "server-only";
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { z } from "zod";
import type { Db } from "../db/client";

/** One line naming each bad flag, e.g. "--run: expected number; give --run ID or --all". */
export function formatFlagIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? `--${i.path.join(".")}: ` : ""}${i.message}`).join("; ");
}

/** The runs a `--run ID` / `--all` script works on: that run, or every succeeded run in id order. */
export async function selectRunIds(db: Db, args: { run?: number | undefined; all: boolean }): Promise<number[]> {
  if (!args.all) return [args.run!];
  const runs = await db.prisma.run.findMany({ where: { status: "succeeded" }, select: { id: true }, orderBy: { id: "asc" } });
  return runs.map((r) => r.id);
}

/** An AbortController that SIGINT and SIGTERM abort, so a script stops between units of work and keeps what it stored. */
export function abortOnSignals(): AbortController {
  const controller = new AbortController();
  process.on("SIGINT", () => controller.abort());
  process.on("SIGTERM", () => controller.abort());
  return controller;
}

/**
 * The script's flags from process.argv, parsed by node and validated by `schema`; or the exit code after
 * printing the usage (--help: 0) or what was wrong with the usage (2).
 */
export function parseScriptFlags<S extends z.ZodType>(
  script: string,
  usage: string,
  options: NonNullable<ParseArgsConfig["options"]>,
  schema: S,
): { args: z.infer<S> } | { exitCode: number } {
  try {
    const { values } = parseArgs({ args: process.argv.slice(2), options: { ...options, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      console.log(usage);
      return { exitCode: 0 };
    }
    const parsed = schema.safeParse(values);
    if (!parsed.success) throw new Error(formatFlagIssues(parsed.error));
    return { args: parsed.data };
  } catch (err) {
    console.error(`${script}: ${(err as Error).message}\n\n${usage}`);
    return { exitCode: 2 };
  }
}
