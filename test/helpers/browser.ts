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
      args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  } catch (err) {
    throw new Error(`cannot start Chromium at ${executablePath} (install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH): ${(err as Error).message}`);
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
