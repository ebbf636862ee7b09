// The hostile-input suite: fast-check over every route of app/ against a server on either engine (its test files
// choose the engine and the counts).
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { openDatabase, type Db } from "../../lib/db/client";
import { createTestDb } from "../helpers/db";
import { migratedScratchPostgres, type ScratchPostgres } from "../helpers/postgres-db";
import { startAppServer, type AppServer } from "../helpers/server";
import { seedTwoRuns } from "../helpers/seed-runs";
import { enumerateRoutes, fillPattern, type AppRoute } from "./hostile-routes";
import { component, jobBody, MARKER, query } from "./hostile-arbitraries";

const PASSWORD = "hostile-admin-password-12";
export interface HostileOptions {
  engine: "sqlite" | "postgres";
  /** Inputs per route and method. */
  runs: number;
  /** Bodies sent to the job API. */
  bodyRuns: number;
}
/** Routes requested at once (each route's inputs go one after another). */
const PARALLEL = 3;
const SEED = Number(process.env.HOSTILE_SEED ?? 20261202);

interface Tally {
  route: string;
  requests: number;
  statuses: Map<number, number>;
  ms: number;
}

export function hostileSuite(options: HostileOptions): void {
  const { engine, runs: RUNS, bodyRuns: BODY_RUNS } = options;
  describe(`the hostile-input suite on ${engine} (fast-check over every route of app/)`, () => {
    let db: Db;
    let scratch: ScratchPostgres | undefined;
    let cleanupSqlite: (() => Promise<void>) | undefined;
    let server: AppServer;
    let realIds: string[];
    let admin: { cookie: string; csrfToken: string };
    const routes = enumerateRoutes(path.resolve("app"));
    const tallies: Tally[] = [];

    beforeAll(async () => {
      if (engine === "postgres") {
        scratch = await migratedScratchPostgres("hostile");
        db = openDatabase(scratch.url);
      } else {
        const sqlite = createTestDb();
        cleanupSqlite = sqlite.cleanup;
        db = sqlite;
      }
      const { runA, runB } = await seedTwoRuns(db);
      realIds = [String(runA), String(runB), "0", "4-9", "1"];
      server = await startAppServer(db.url, { ADMIN_PASSWORD: PASSWORD });
      const login = await fetch(`${server.url}/api/admin/login`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ password: PASSWORD }),
      });
      expect(login.status).toBe(200);
      admin = {
        cookie: login.headers.get("set-cookie")!.split(";")[0]!,
        csrfToken: ((await login.json()) as { csrfToken: string }).csrfToken,
      };
    });
    afterAll(async () => {
      const total = tallies.reduce((s, t) => s + t.requests, 0);
      for (const t of tallies)
        console.log(
          `${t.route.padEnd(48)} ${String(t.requests).padStart(4)} inputs ${(t.ms / 1000).toFixed(1).padStart(5)} s  ` +
            [...t.statuses].map(([s, n]) => `${s}×${n}`).join(" "),
        );
      console.log(`hostile-input: ${total} requests over ${tallies.length} route methods`);
      await server?.stop();
      if (cleanupSqlite) await cleanupSqlite();
      else await db?.close();
      await scratch?.cleanup();
    });

    const jobCount = () => db.prisma.job.count();

    /** Sends one request and checks the answer into `failures`; returns the status. */
    async function send(
      label: string,
      url: string,
      init: RequestInit,
      tally: Tally,
      failures: string[],
    ): Promise<number> {
      const res = await fetch(server.url + url, { ...init, redirect: "manual" });
      const body = await res.text();
      tally.requests++;
      tally.statuses.set(res.status, (tally.statuses.get(res.status) ?? 0) + 1);
      // 503 is an answer only with Retry-After (admin disabled, database busy); any other 5xx is a failure.
      const documented503 = res.status === 503 && res.headers.get("retry-after") !== null;
      if (res.status >= 500 && !documented503) failures.push(`${label} ${url} → ${res.status}: ${body.slice(0, 200)}`);
      if ((res.headers.get("content-type") ?? "").includes("text/html") && body.includes(MARKER))
        failures.push(`${label} ${url}: unescaped markup in the HTML answer`);
      return res.status;
    }

    it("finds the pages and route handlers of app/ with their dynamic segments", () => {
      const patterns = routes.map((r) => `${r.kind} ${r.pattern}`);
      expect(patterns).toContain("page /runs/[id]/digits/[index]");
      expect(patterns).toContain("handler /api/pairs/[pair]/pixels");
      expect(routes.find((r) => r.pattern === "/api/admin/jobs")?.methods).toEqual(["GET", "POST"]);
      expect(routes.length).toBeGreaterThanOrEqual(20);
    });

    it("no path or query of any route answers 500, and no HTML answer holds unescaped markup", async () => {
      const failures: string[] = [];
      const work = routes.flatMap((route) => route.methods.map((method) => ({ route, method })));
      const runOne = async ({ route, method }: { route: AppRoute; method: string }) => {
        const label = `${method} ${route.pattern}`;
        const tally: Tally = { route: label, requests: 0, statuses: new Map(), ms: 0 };
        tallies.push(tally);
        const started = performance.now();
        // Logging out would end the session the other routes use: it is sent without the CSRF token.
        const csrf: Record<string, string> = route.pattern.endsWith("/logout")
          ? {}
          : { "x-csrf-token": admin.csrfToken };
        await fc.assert(
          fc.asyncProperty(
            fc.array(component(realIds), { minLength: route.params.length, maxLength: route.params.length }),
            query(realIds),
            fc.boolean(),
            fc.string({ maxLength: 60 }),
            async (values, search, asAdmin, body) => {
              const url = fillPattern(route.pattern, values) + search;
              const headers: Record<string, string> = asAdmin ? { cookie: admin.cookie, ...csrf } : {};
              const init: RequestInit =
                method === "GET"
                  ? { headers }
                  : { method, headers: { ...headers, "Content-Type": "application/json" }, body };
              const before = route.pattern === "/api/admin/jobs" && method === "POST" ? await jobCount() : null;
              const status = await send(label, url, init, tally, failures);
              if (before !== null && status !== 201 && (await jobCount()) !== before)
                failures.push(`${label} ${url}: answered ${status} yet queued a job`);
            },
          ),
          { numRuns: RUNS, seed: SEED },
        );
        tally.ms = performance.now() - started;
      };
      const queue = [...work];
      await Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          for (let item = queue.shift(); item; item = queue.shift()) await runOne(item);
        }),
      );
      expect(failures).toEqual([]);
    }, 600_000);

    it("no job API body answers 500 or queues a job unless it is accepted (201)", async () => {
      const failures: string[] = [];
      const tally: Tally = { route: "POST /api/admin/jobs (bodies)", requests: 0, statuses: new Map(), ms: 0 };
      tallies.push(tally);
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(
          jobBody(),
          fc.oneof(
            { arbitrary: fc.constant("application/json"), weight: 8 },
            { arbitrary: fc.constantFrom("text/plain", "", "application/json; charset=utf-16"), weight: 1 },
          ),
          async (body, type) => {
            const before = await jobCount();
            const status = await send(
              "job body",
              "/api/admin/jobs",
              {
                method: "POST",
                headers: {
                  cookie: admin.cookie,
                  "x-csrf-token": admin.csrfToken,
                  ...(type ? { "Content-Type": type } : {}),
                },
                body,
              },
              tally,
              failures,
            );
            const after = await jobCount();
            if (status === 201 ? after !== before + 1 : after !== before)
              failures.push(`job body ${body.slice(0, 120)} → ${status}, jobs ${before} → ${after}`);
          },
        ),
        { numRuns: BODY_RUNS, seed: SEED },
      );
      tally.ms = performance.now() - started;
      expect(failures).toEqual([]);
    }, 300_000);
  });
}
