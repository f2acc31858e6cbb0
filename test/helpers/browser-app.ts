import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { buildServer } from '../../src/api/server.js';
import { launchChromium } from './browser.js';

/** Where browser tests write their screenshots; made when first asked for. */
export function screenshotDir(): string {
  const out = path.resolve('test-output');
  mkdirSync(out, { recursive: true });
  return out;
}

export interface InboxBrowser {
  server: FastifyInstance;
  browser: Browser;
  /** The inbox's origin, e.g. http://127.0.0.1:41234. */
  base: string;
  /** Closes the browser, then the server; the app stays the caller's to close after. */
  close(): Promise<void>;
}

/**
 * A browser test file's inbox: the app's API and web UI on 127.0.0.1 (a free port, or `port` when
 * the config has to name it) and the one Chromium the whole file shares.
 */
export async function openInbox(ctx: Parameters<typeof buildServer>[0], port = 0): Promise<InboxBrowser> {
  const server = await buildServer(ctx);
  const base = await server.listen({ host: '127.0.0.1', port });
  const browser = await launchChromium().catch(async (err: unknown) => {
    await server.close();
    throw err;
  });
  return {
    server,
    browser,
    base,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Fills in and submits the login form as a person does; the caller waits for what it expects next. */
export async function submitLogin(page: Page, base: string, name: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.fill('#login-name', name);
  await page.fill('#login-password', password);
  await page.click('#login-form button[type=submit]');
}

/**
 * A new browser context signed in as `name`, on the queue once it shows its count; then at `hash` when one is given,
 * once the queue there has loaded.
 */
export async function openQueueAs(
  ui: Pick<InboxBrowser, 'browser' | 'base'>,
  user: { name: string; password: string },
  options: BrowserContextOptions = {},
  hash = '#/',
): Promise<Page> {
  const context = await ui.browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  await submitLogin(page, ui.base, user.name, user.password);
  await page.locator('#queue-count', { hasText: /of/ }).waitFor();
  if (hash !== '#/') {
    await page.goto(`${ui.base}/${hash}`);
    await page.locator('#queue-loading').waitFor({ state: 'hidden' });
  }
  return page;
}
