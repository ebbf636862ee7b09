// The routes of app/ as the hostile-input suite requests them: every page.tsx and route.ts (with the methods it
// exports), read from the folder so a route added later is covered without editing the suite.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface AppRoute {
  /** URL pattern with its dynamic segments, e.g. /runs/[id]/digits/[index]. */
  pattern: string;
  kind: "page" | "handler";
  methods: string[];
  /** Names of the dynamic segments in order. */
  params: string[];
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** Walks `appDir`: private folders (_x) are not routes, route groups ((x)) add no URL segment. */
export function enumerateRoutes(appDir: string): AppRoute[] {
  const routes: AppRoute[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name.startsWith("_")) continue;
        walk(full, /^\(.*\)$/.test(entry.name) ? segments : [...segments, entry.name]);
      } else if (/^page\.(tsx|ts|jsx|js)$/.test(entry.name) || /^route\.(ts|js)$/.test(entry.name)) {
        const pattern = "/" + segments.join("/");
        const params = segments.filter((s) => s.startsWith("[")).map((s) => s.replace(/^\[+(\.\.\.)?|\]+$/g, ""));
        if (entry.name.startsWith("page.")) {
          routes.push({ pattern, kind: "page", methods: ["GET"], params });
        } else {
          const source = readFileSync(full, "utf8");
          const methods = METHODS.filter((m) =>
            new RegExp(`export\\s+(async\\s+function|function|const)\\s+${m}\\b`).test(source),
          );
          routes.push({ pattern, kind: "handler", methods, params });
        }
      }
    }
  };
  walk(appDir, []);
  return routes.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** The URL path of `pattern` with each dynamic segment replaced by the matching already-encoded value. */
export function fillPattern(pattern: string, encodedValues: readonly string[]): string {
  let i = 0;
  return pattern.replace(/\[\[?(\.\.\.)?[^\]]+\]\]?/g, () => encodedValues[i++] ?? "x");
}

/**
 * Bodies a POST route must refuse, beyond the random strings the suite sends every route: the answer's status and
 * the field its JSON names. Sent by the route's own browser test (test/e2e/draw.test.ts for the drawing neighbours).
 */
export const HOSTILE_BODIES: Record<string, Array<{ body: string; status: number; field: string }>> = {
  "/api/runs/[id]/drawing-neighbours": [
    { body: "", status: 400, field: "body" },
    { body: "{", status: 400, field: "body" },
    { body: "[]", status: 400, field: "body" },
    { body: "null", status: 400, field: "body" },
    { body: "{}", status: 400, field: "hidden" },
    { body: '{"hidden": []}', status: 400, field: "hidden" },
    { body: '{"hidden": "1,2"}', status: 400, field: "hidden" },
    { body: '{"hidden": [1, null]}', status: 400, field: "hidden.1" },
    { body: '{"hidden": [1e300]}', status: 400, field: "hidden.0" },
    { body: '{"hidden": [1], "k": 0}', status: 400, field: "k" },
    { body: '{"hidden": [1], "k": 2.5}', status: 400, field: "k" },
    { body: '{"hidden": [1], "k": "8"}', status: 400, field: "k" },
    { body: '{"hidden": [1], "extra": 1}', status: 400, field: "body" },
    { body: JSON.stringify({ hidden: Array(5000).fill(0) }), status: 400, field: "hidden" },
    { body: JSON.stringify({ hidden: Array(40_000).fill(0.123456789) }), status: 413, field: "body" },
  ],
  // Sent with an admin session by test/e2e/sweeps.test.ts.
  "/api/admin/sweeps": [
    { body: "", status: 400, field: "body" },
    { body: "{", status: 400, field: "body" },
    { body: "[]", status: 400, field: "body" },
    { body: "null", status: 400, field: "body" },
    { body: "{}", status: 400, field: "name" },
    { body: '{"name": "x", "mode": "grid", "axes": {}}', status: 400, field: "axes" },
    { body: '{"name": "x", "mode": "spiral", "axes": {"seed": {"values": [1]}}}', status: 400, field: "mode" },
    { body: '{"name": "x", "mode": "random", "axes": {"seed": {"values": [1]}}}', status: 400, field: "count" },
    { body: '{"name": "x", "mode": "grid", "axes": {"seed": {"values": [1]}}, "x": 1}', status: 400, field: "body" },
    {
      body: '{"name": "x", "mode": "grid", "axes": {"learningRate": {"values": [0.01, 2]}}}',
      status: 400,
      field: "axes.learningRate",
    },
    {
      body: '{"name": "x", "mode": "grid", "axes": {"learningRate": {"range": {"start": 0, "stop": 1, "steps": 3}}}}',
      status: 400,
      field: "axes.learningRate.range.start",
    },
    {
      body: '{"name": "x", "mode": "grid", "axes": {"seed": {"values": [1]}}, "fixed": {"epochs": "0x10"}}',
      status: 400,
      field: "fixed.epochs",
    },
    {
      body: JSON.stringify({
        name: "x",
        mode: "grid",
        axes: { seed: { range: { start: 1, stop: 50, steps: 50 } }, batchSize: { values: [32, 64] } },
      }),
      status: 400,
      field: "axes",
    },
    {
      body: JSON.stringify({ name: "x", mode: "grid", axes: { hidden: { values: [[[[[[[[1]]]]]]]] } } }),
      status: 400,
      field: "body",
    },
    { body: JSON.stringify({ name: "x".repeat(70_000) }), status: 400, field: "body" },
  ],
};
