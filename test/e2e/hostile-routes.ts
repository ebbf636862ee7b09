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
