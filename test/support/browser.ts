import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // A synthetic camera (moving test pattern) and microphone (beeps), granted without a prompt.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`No Chromium at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}

/** The web client must be built (npm run build) before a browser test can load it. */
export function requireBuiltClient(dir = path.resolve('client/dist')): void {
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`The web client is not built (${dir}/index.html is missing). Run \`npm run build\` first; \`npm test\` does this.`);
  }
}

export interface RolePage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of the page, for failure messages. */
  errors: string[];
}

/**
 * One person at their own computer: a fresh context (its own storage, cookies
 * and permissions), camera and microphone allowed for the server's origin.
 */
export async function openAs(browser: Browser, baseURL: string, opts: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<RolePage> {
  const context = await browser.newContext({
    baseURL,
    locale: opts.locale ?? 'zh-CN',
    viewport: opts.viewport ?? { width: 1280, height: 860 },
    permissions: ['camera', 'microphone'],
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return { context, page, errors };
}

/** Saves a full-page screenshot under test-artifacts/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.resolve('test-artifacts/screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
