// Debian's Chromium driven by playwright-core; screenshots go to the git-ignored screenshots/ folder.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";
import type { AppServer } from "./server";

export const SCREENSHOT_DIR = path.resolve("screenshots");

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  try {
    return await chromium.launch({
      executablePath,
      args: [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  } catch (err) {
    throw new Error(
      `cannot start Chromium at ${executablePath} (install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH): ${(err as Error).message}`,
    );
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** A new page of `browser` at `server` + `path`, checked to have answered 200 (the server's log tail otherwise). */
export async function openPage(browser: Browser, server: AppServer, path: string, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const response = await page.goto(server.url + path);
  expect(response!.status(), `${path}: ${server.output().slice(-2000)}`).toBe(200);
  return page;
}

/**
 * Waits until the page shows what the client draws after load: every visible chart re-rendered at its frame's
 * measured width (epoch-curves.tsx renders at a default width on the server, then at the width a ResizeObserver
 * reports, never under 260 px) and every gallery's pixel binary loaded (`data-loaded="1"`).
 */
export async function waitForClientLayout(page: Page, timeoutMs = 15_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const chartsFitted = Array.from(document.querySelectorAll<HTMLElement>(".chart-frame")).every((frame) => {
        const style = getComputedStyle(frame);
        const width = frame.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        // A hidden frame (0 px) is never measured, so it keeps the server's width.
        if (width <= 0) return true;
        const drawn = frame.querySelector<SVGSVGElement>(":scope > svg")?.viewBox.baseVal.width;
        return drawn !== undefined && Math.abs(drawn - Math.max(260, Math.round(width))) <= 1;
      });
      const galleriesLoaded = Array.from(document.querySelectorAll("[data-testid=gallery]")).every(
        (g) => g.getAttribute("data-loaded") === "1",
      );
      return chartsFitted && galleriesLoaded;
    },
    undefined,
    { timeout: timeoutMs },
  );
}
