// The idle worker's wait: on PostgreSQL it ends as soon as any process queues a job (LISTEN/NOTIFY through
// lib/db/job-notify.ts), on SQLite after the poll interval; either way the poll stays as the fallback.
import "server-only";
import type { Db } from "../../db/client";
import { listenForJobs } from "../../db/job-notify";
import type { WaitForWork } from "./worker-presence";

export interface NotifiedWait {
  wait: WaitForWork;
  stop(): Promise<void>;
}

export async function createNotifiedWait(db: Db, log: (line: string) => void): Promise<NotifiedWait> {
  // A wake-up that arrives while the worker is busy is kept, so the next wait returns at once and it looks again.
  let pending = false;
  let wakeUp: (() => void) | null = null;
  const stop = await listenForJobs(
    db,
    () => {
      pending = true;
      wakeUp?.();
    },
    { log },
  );
  const wait: WaitForWork = (signal, timeoutMs) =>
    new Promise((resolve) => {
      if (pending || signal.aborted) {
        pending = false;
        return resolve();
      }
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        wakeUp = null;
        pending = false;
        resolve();
      }
      wakeUp = done;
      signal.addEventListener("abort", done, { once: true });
    });
  return { wait, stop };
}
