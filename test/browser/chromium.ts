// Debian's Chromium driven by playwright-core, and a watch over what a page does while a test
// uses it. Browser tests never run a browser that Playwright downloads: only /usr/bin/chromium,
// which scripts/install-chromium.sh installs from Debian's packages.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

// Headless, no sandbox (root in a container), nothing that phones home. Playwright adds its own
// fresh temporary --user-data-dir to every launch and removes it on close.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Debian's Chromium; a missing browser is a failure, never a skip. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: run scripts/install-chromium.sh (the browser tests use ` +
        `Debian's Chromium, never a downloaded browser)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

/** Everything a page did that a test should notice. */
export interface PageWatch {
  /** Requests to anything but the app under test (aborted before they leave the machine). */
  offsite: string[];
  /** Subresources (stylesheet, images…) answered with an error status, or that failed. */
  brokenResources: string[];
  consoleErrors: string[];
  pageErrors: string[];
  /** alert/confirm/prompt messages: an injected script ran. */
  dialogs: string[];
}

/**
 * A new context that may only talk to `origin`, with a page whose console errors, script errors,
 * dialogs and broken subresources are recorded.
 */
export async function watchedPage(
  browser: Browser,
  origin: string,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
    ...options,
  });
  context.setDefaultTimeout(15_000);
  const watch: PageWatch = {
    offsite: [],
    brokenResources: [],
    consoleErrors: [],
    pageErrors: [],
    dialogs: [],
  };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    watch.offsite.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') watch.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => watch.pageErrors.push(err.message));
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('response', (res) => {
    if (res.request().resourceType() !== 'document' && res.status() >= 400) {
      watch.brokenResources.push(`${res.status()} ${res.url()}`);
    }
  });
  page.on('requestfailed', (req) => {
    if (new URL(req.url()).origin === origin) {
      watch.brokenResources.push(`failed ${req.url()}: ${req.failure()?.errorText ?? ''}`);
    }
  });
  return { context, page, watch };
}

const SCREENSHOT_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/**
 * Saves a full-page screenshot to docs/screenshots/<name>.png, only when STAKEPOOL_SCREENSHOTS=1:
 * ordinary test runs leave the tree as it is.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.STAKEPOOL_SCREENSHOTS !== '1') return;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({
    path: `${SCREENSHOT_DIR}${name}.png`,
    fullPage: true,
    animations: 'disabled',
  });
}
