/**
 * A headless Chromium for looking at the Temporal Web UI as a person would: Debian's
 * `chromium` (scripts/setup.sh installs it) driven by playwright-core, which never downloads
 * a browser of its own. Screenshots go to `.stack/screenshots/`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { stack } from './stack';

/** The system Chromium (`apt-get install chromium`); FD_CHROMIUM overrides it. */
export const chromiumPath = process.env.FD_CHROMIUM ?? '/usr/bin/chromium';

/** Where tests keep their screenshots. */
export const screenshotsDir = path.join(stack.dir, 'screenshots');

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** An open browser with one page; `close()` ends the browser and removes its profile. */
export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Starts Chromium on a fresh temporary profile. */
export async function openBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: run scripts/setup.sh (apt-get install chromium)`);
  }
  const profile = mkdtempSync(path.join(os.tmpdir(), 'flink-deploy-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1600, height: 1000 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot of the page's viewport as `.stack/screenshots/<name>.png`; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotsDir, { recursive: true });
  const file = path.join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
