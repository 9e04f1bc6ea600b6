import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer } from './server.js';

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
  // WebRTC gathers no loopback candidates by default, so on a host whose only interface is
  // loopback (an offline CI box, `unshare -n`) no hearing media would ever connect.
  '--allow-loopback-in-peer-connection',
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

export interface BrowserSuite {
  /** The server of this test file (available from the file's own beforeAll on). */
  readonly server: TestServer;
  /** One more person at their own computer; closed after the file. */
  open(opts?: Parameters<typeof openAs>[2]): Promise<RolePage>;
}

/**
 * What every end-to-end file needs, set up before its own hooks and torn down after
 * its tests: the built client, a real server with a recordings directory of its own,
 * Chromium, and a fresh browser context per person.
 */
export function browserSuite(): BrowserSuite {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let recordingsDir: string | undefined;
  const opened: RolePage[] = [];

  beforeAll(async () => {
    requireBuiltClient();
    recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-e2e-'));
    server = await startTestServer({ RECORDINGS_DIR: recordingsDir });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const r of opened) await r.context.close().catch(() => undefined);
    await browser?.close();
    await server?.destroy();
    if (recordingsDir) fs.rmSync(recordingsDir, { recursive: true, force: true });
  });

  return {
    get server() {
      if (!server) throw new Error('the e2e server is not started yet');
      return server;
    },
    async open(opts) {
      if (!browser || !server) throw new Error('the browser is not started yet');
      const role = await openAs(browser, server.url, opts);
      opened.push(role);
      return role;
    },
  };
}
