// Measures pages' server response time (warm, median of 5) and first contentful paint (median of 3 fresh tabs).
import type { Browser } from "playwright-core";

export interface PageTiming {
  name: string;
  url: string;
  serverMs: number;
  /** null for binary endpoints, which do not paint. */
  fcpMs: number | null;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function measurePages(
  baseUrl: string,
  browser: Browser,
  pages: ReadonlyArray<readonly [string, string]>,
): Promise<PageTiming[]> {
  const out: PageTiming[] = [];
  for (const [name, url] of pages) {
    await (await fetch(baseUrl + url)).arrayBuffer();
    const times: number[] = [];
    for (let k = 0; k < 5; k++) {
      const start = performance.now();
      const res = await fetch(baseUrl + url);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      times.push(performance.now() - start);
    }
    let fcpMs: number | null = null;
    if (!url.startsWith("/api/")) {
      // Fresh tabs: the browser process is warm (as a user's is), the page is not.
      const paints: number[] = [];
      for (let k = 0; k < 3; k++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await page.goto(baseUrl + url, { waitUntil: "load" });
        // The paint entry may be recorded just after `load` (a fresh tab's first paint): wait for it, not read NaN.
        const fcp = await page.waitForFunction(
          () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
          undefined,
          { timeout: 10_000 },
        );
        paints.push((await fcp.jsonValue()) as number);
        await page.close();
      }
      fcpMs = median(paints);
    }
    out.push({ name, url, serverMs: median(times), fcpMs });
  }
  return out;
}

export function timingTable(timings: PageTiming[], note: string): string {
  const rows = timings.map(
    (t) => `| ${t.name} | ${t.serverMs.toFixed(0)} ms | ${t.fcpMs === null ? "—" : `${t.fcpMs.toFixed(0)} ms`} |`,
  );
  return [
    `| page (${note}) | server response (median of 5, warm) | first contentful paint |`,
    "| --- | --- | --- |",
    ...rows,
  ].join("\n");
}
