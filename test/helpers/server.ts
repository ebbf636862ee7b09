// Starts the built Next.js app (`next start`) on a free port against a given database, as a process group.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export interface AppServer {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/**
 * `database` is a SQLite file's path or a full DATABASE_URL (file:… or postgresql://…). `isReady` judges the status
 * of `GET /` while waiting for the start: any answer but a 5xx by default.
 */
export async function startAppServer(
  database: string,
  extraEnv: Record<string, string> = {},
  isReady: (status: number) => boolean = (status) => status < 500,
): Promise<AppServer> {
  if (!existsSync(path.resolve(process.env.NEXT_DIST_DIR ?? ".next", "BUILD_ID"))) {
    throw new Error("no production build: run `npm run build` (npm test does it) before the browser tests");
  }
  const databaseUrl = /^(file:|postgres(ql)?:\/\/)/.test(database) ? database : `file:${database}`;
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", path.resolve("scripts/serve.ts"), "-p", String(port), "-H", "127.0.0.1"],
    {
      env: { ...process.env, ...extraEnv, DATABASE_URL: databaseUrl, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group: next start forks next-server, and killing only the parent would orphan it.
      detached: true,
    },
  );
  let log = "";
  child.stdout!.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (isReady(res.status)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`next start did not answer within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    output: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        return;
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    },
  };
}
