// A `scripts/worker.ts` process on one cluster host (inside its network namespace), its log lines timestamped as
// they arrive, so the test can tell when each worker held each job.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { ClusterHost } from "./network";

export interface LogLine {
  atMs: number;
  text: string;
}

export interface ClusterWorker {
  host: ClusterHost;
  child: ChildProcess;
  lines: LogLine[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first line (seen already or to come) matching `pattern`; rejects if the worker exits first. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** Starts a worker on `host` against `databaseUrl`; `flags` go to scripts/worker.ts, `env` over process.env. */
export function startClusterWorker(
  host: ClusterHost,
  databaseUrl: string,
  flags: string[],
  env: Record<string, string>,
): ClusterWorker {
  const node = [process.execPath, "--import", "tsx", "--conditions=react-server", "scripts/worker.ts", ...flags];
  const [command, ...args] = host.namespace ? ["ip", "netns", "exec", host.namespace, ...node] : node;
  // `ip netns exec` execs the command in place: the child's pid is the worker's own, for the SIGKILL.
  const child = spawn(command!, args, {
    env: { ...process.env, ...env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  const onLine = (text: string) => {
    lines.push({ atMs: Date.now(), text: `${host.name}: ${text}` });
    for (const w of waiters) w();
  };
  createInterface({ input: child.stdout! }).on("line", onLine);
  createInterface({ input: child.stderr! }).on("line", onLine);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let exited = false;
  void exit.then(() => {
    exited = true;
    for (const w of waiters) w();
  });
  function waitForLine(pattern: RegExp, timeoutMs = 240_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`no line like ${pattern} from ${host.name} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const check = () => {
        for (const line of lines) {
          const match = line.text.match(pattern);
          if (match) return finish(null, match);
        }
        if (exited) finish(new Error(`${host.name}'s worker exited before a line like ${pattern}:\n${tail()}`));
      };
      function finish(err: Error | null, match?: RegExpMatchArray) {
        clearTimeout(timer);
        waiters.delete(check);
        if (err) reject(err);
        else resolve(match!);
      }
      waiters.add(check);
      check();
    });
  }
  const tail = () =>
    lines
      .slice(-30)
      .map((l) => l.text)
      .join("\n");
  return { host, child, lines, exit, waitForLine };
}

/** Polls `read` until `done` holds of its value (or throws after `timeoutMs`), pausing 250 ms between reads. */
export async function waitUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
