// Command-line plumbing of the scripts (train, worker, per-run scripts, benchmarks): flags through node's parser
// and a zod schema with --help and one message naming each bad flag, and the exit code of main.
import "server-only";
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { z } from "zod";

/** One line naming each bad flag, e.g. "--run: expected number; give --run ID or --all". */
export function formatFlagIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? `--${i.path.join(".")}: ` : ""}${i.message}`).join("; ");
}

/**
 * The script's flags from process.argv, parsed by node and validated by `schema`; or the exit code after
 * printing the usage (--help or -h: 0) or what was wrong with the flags, then the usage (2).
 */
export function parseScriptFlags<S extends z.ZodType>(
  script: string,
  usage: string,
  options: NonNullable<ParseArgsConfig["options"]>,
  schema: S,
  /** Maps the parsed values to the schema's input (renames, defaults from the environment); default as they are. */
  prepare: (values: Record<string, string | boolean | undefined>) => unknown = (values) => values,
): { args: z.infer<S> } | { exitCode: number } {
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      options: { ...options, help: { type: "boolean", short: "h" } },
    });
    if (values.help) {
      console.log(usage);
      return { exitCode: 0 };
    }
    const parsed = schema.safeParse(prepare(values as Record<string, string | boolean | undefined>));
    if (!parsed.success) throw new Error(formatFlagIssues(parsed.error));
    return { args: parsed.data };
  } catch (err) {
    console.error(`${script}: ${(err as Error).message}\n\n${usage}`);
    return { exitCode: 2 };
  }
}

/**
 * Runs a script's `main` and exits with the code it returns; an error thrown out of it is printed after the
 * script's name (with its stack when `stack`) and exits with `failedCode`.
 */
export function runScript(
  script: string,
  main: () => Promise<number>,
  options: { stack?: boolean; failedCode?: number } = {},
): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      const text = err instanceof Error ? (options.stack ? (err.stack ?? err.message) : err.message) : String(err);
      console.error(`${script}: ${text}`);
      process.exit(options.failedCode ?? 1);
    },
  );
}
