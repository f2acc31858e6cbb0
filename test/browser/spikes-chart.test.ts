import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/admin/password.js';
import { openInbox, screenshotDir, submitLogin, type InboxBrowser } from '../helpers/browser-app.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { background, feed } from '../spikes/fixtures.js';

const PASSWORD = 'volume-is-normal-2026';
let app: TestApp;
let ui: InboxBrowser;
let browser: Browser;
let base: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-spike-chart-'));
  const file = (brand: string) => {
    const feedPath = path.join(dir, `${brand}.jsonl`);
    writeFileSync(feedPath, '');
    return {
      id: `${brand}-feed`,
      kind: 'file',
      brand,
      interval: '1h',
      options: { path: feedPath, outbox: path.join(dir, `${brand}-out.jsonl`) },
    };
  };
  app = await testApp({
    brands: [
      { id: 'acme', name: 'Acme Air', keywords: ['acme air'], handles: ['@AcmeAir'], hashtags: [] },
      { id: 'globex', name: 'Globex', keywords: ['globex'], handles: [], hashtags: [] },
    ],
    sources: [file('acme'), file('globex')],
    users: [{ name: 'ana', role: 'viewer', passwordHash: await hashPassword(PASSWORD) }],
  });
  // A day of ordinary chatter about acme and no spike: the usual range the chart is there to show.
  await feed(app.ctx, background(Date.now(), 30));
  ui = await openInbox(app.ctx);
  ({ browser, base } = ui);
}, 60_000);

afterAll(async () => {
  await ui?.close();
  await app?.close();
});

describe('the spikes page before any spike', () => {
  it("shows the first brand's volume against its usual range, and a picker switches brand", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await submitLogin(page, base, 'ana', PASSWORD);
    await page.goto(`${base}/#/spikes`);
    await page.waitForSelector('#spikes-body h2');
    expect(await page.textContent('#spikes-body h2')).toBe('Last 48 hours · acme');
    expect(await page.locator('#spikes-body svg.spike-chart').count()).toBe(1);
    expect(await page.textContent('#spikes-body .spike-list')).toContain('No spike so far');
    expect(await page.locator('#spike-brand option').allTextContents()).toEqual(['acme', 'globex']);
    await page.selectOption('#spike-brand', 'globex');
    await page.locator('#spikes-body h2', { hasText: /^Last 48 hours · globex$/ }).waitFor();
    expect(await page.inputValue('#spike-brand')).toBe('globex');
    // No posts about globex: the axis counts one post, not "1 posts".
    expect(await page.textContent('#spikes-body svg.spike-chart text')).toMatch(/^max 1 post \/ 30 min/);
    await page.screenshot({ path: path.join(screenshotDir(), 'spikes-before-any.png'), fullPage: true });
    // A phone's width: the picker and the chart stay inside the page.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(screenshotDir(), 'spikes-before-any-narrow.png'), fullPage: true });
  });
});
