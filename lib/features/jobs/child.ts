// Child processes of the worker: `scripts/train.ts` (JSON event lines on stdout) and the projection script.
import "server-only";
import { ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

/** The repository root (scripts are run from it). */
export const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..", "..");

/** How the worker starts a TypeScript entry point: the running Node with tsx, as `npm run train` does. */
export function tsxCommand(script: string, args: string[]): string[] {
  return [process.execPath, "--import", "tsx", "--conditions=react-server", path.join(REPO_ROOT, script), ...args];
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last few KB of stderr, for the job's error message. */
  stderrTail: string;
}

export interface RunningChild {
  child: ChildProcess;
  exit: Promise<ChildExit>;
}

const STDERR_TAIL_CHARS = 4000;

/**
 * Starts `command` with JSON lines on stdout handed to `onJson` (other lines go to `onLine`), stderr lines to
 * `onLine` too. A spawn failure resolves `exit` with code null and the error in `stderrTail`, whether spawn reports
 * it as an "error" event (ENOENT) or throws (ERR_INVALID_ARG_VALUE for a NUL byte in an argument or the
 * environment): the caller records the job failed with the reason and goes on, never left with a job "starting".
 */
export function startChild(
  command: string[],
  env: NodeJS.ProcessEnv,
  onJson: (event: Record<string, unknown>) => void,
  onLine: (line: string, stream: "stdout" | "stderr") => void,
): RunningChild {
  const [file, ...args] = command;
  let child: ChildProcess;
  try {
    child = spawn(file!, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    // A process object that never ran: no pid, and kill() reaches nothing, so callers need no branch of their own.
    const reason = `cannot start ${file}: ${(err as Error).message}`;
    onLine(reason, "stderr");
    return { child: new ChildProcess(), exit: Promise.resolve({ code: null, signal: null, stderrTail: reason }) };
  }
  let stderrTail = "";
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (line.startsWith("{")) {
      try {
        onJson(JSON.parse(line) as Record<string, unknown>);
        return;
      } catch {
        // not an event line after all
      }
    }
    onLine(line, "stdout");
  });
  createInterface({ input: child.stderr! }).on("line", (line) => {
    stderrTail = (stderrTail + line + "\n").slice(-STDERR_TAIL_CHARS);
    onLine(line, "stderr");
  });
  const exit = new Promise<ChildExit>((resolve) => {
    child.once("error", (err) =>
      resolve({ code: null, signal: null, stderrTail: `cannot start ${file}: ${err.message}` }),
    );
    child.once("close", (code, signal) => resolve({ code, signal, stderrTail }));
  });
  return { child, exit };
}
