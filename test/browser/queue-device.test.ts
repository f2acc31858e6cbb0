import path from 'node:path';
import { type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/admin/password.js';
import { openInbox, openQueueAs, submitLogin, screenshotDir, type InboxBrowser } from '../helpers/browser-app.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { seedItems } from '../helpers/queue-seed.js';
import { seedMention } from '../helpers/seed.js';

// The queue on a phone (layout, dark scheme) and on a desk (urgent notifications with a chime); the queue's
// paging, filters and storms are in queue.test.ts.

const PASSWORD = 'queue-device-password-1';
const OUT = screenshotDir();
let app: TestApp;
let ui: InboxBrowser;
let browser: Browser;
let base: string;

const open = (options: BrowserContextOptions = {}, hash = '#/'): Promise<Page> =>
  openQueueAs({ browser, base }, { name: 'rita', password: PASSWORD }, options, hash);

type Doc = { document: { scrollingElement: { scrollWidth: number } } };
const scrollWidth = (page: Page) => page.evaluate(() => (globalThis as unknown as Doc).document.scrollingElement.scrollWidth);

beforeAll(async () => {
  app = await testApp({ users: [{ name: 'rita', role: 'responder', passwordHash: await hashPassword(PASSWORD) }] });
  ui = await openInbox(app.ctx);
  ({ browser, base } = ui);
}, 90_000);

afterAll(async () => {
  await ui?.close();
  await app?.close();
});

describe('queue on a phone and on a desk', () => {
  it('fits a 390 px phone with nothing scrolling sideways, and follows a dark colour scheme', async () => {
    await seedItems(app.ctx.db, [
      {
        id: 'ph1',
        sourceId: 'phone',
        // Found long after its SLA ran out: the item page shows the long "breached on arrival" badge.
        createdAt: Date.now() - 13 * 86_400_000,
        slaDueAt: Date.now() - 12 * 86_400_000,
        text: 'A rather long post without many spaces: https://example.com/a/very/long/path/that/should/wrap/instead/of/pushing/the/page/sideways/on/a/phone',
      },
    ]);
    const phone = await open(
      { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' },
      '#/?source=phone',
    );
    await phone.locator('#items > .entry').first().waitFor();
    expect(await scrollWidth(phone)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: path.join(OUT, 'queue-phone-dark.png'), fullPage: true });
    for (const hash of ['#/analytics', '#/sources', '#/item/ph1']) {
      await phone.goto(`${base}/${hash}`);
      await phone
        .locator(hash.startsWith('#/item/') ? '#post-text' : 'main > section:not([hidden])')
        .first()
        .waitFor();
      expect(await scrollWidth(phone), hash).toBeLessThanOrEqual(390);
    }
    // Dark: the page background and card backgrounds are dark, the text light, on every page.
    const luminance = (page: Page, selector: string, prop: 'color' | 'backgroundColor') =>
      page
        .locator(selector)
        .first()
        .evaluate((node, p) => {
          const style = (globalThis as unknown as { getComputedStyle(n: unknown): Record<string, string> }).getComputedStyle(node);
          // Runs in the page: no test helpers here. No digits gives NaN, which fails the bounds below.
          const [r, g, b] = (String(style[p]).match(/\d+/g) ?? []).map(Number) as [number, number, number];
          return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
        }, prop);
    for (const hash of ['#/', '#/analytics', '#/sources', '#/item/ph1']) {
      await phone.goto(`${base}/${hash}`);
      await phone.locator('main > section:not([hidden])').first().waitFor();
      expect(await luminance(phone, ':root', 'backgroundColor'), hash).toBeLessThan(0.2);
      expect(await luminance(phone, 'body', 'color'), hash).toBeGreaterThan(0.7);
    }
    await phone.context().close();
    const light = await open({ colorScheme: 'light' }, '#/?source=phone');
    expect(await luminance(light, ':root', 'backgroundColor')).toBeGreaterThan(0.9);
    await light.context().close();
  }, 90_000);

  it('notifies of a new urgent item arriving over the live channel once the person opted in, with a chime', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // A recording stand-in for the Notification API and for WebAudio's oscillator starts.
    await context.addInitScript(() => {
      const g = globalThis as unknown as Record<string, unknown>;
      const notes: Array<{ title: string; body: string }> = [];
      g['__notes'] = notes;
      g['__tones'] = 0;
      class FakeNotification {
        static permission = 'default';
        static requestPermission() {
          FakeNotification.permission = 'granted';
          return Promise.resolve('granted');
        }
        constructor(title: string, options: { body?: string }) {
          notes.push({ title, body: options.body ?? '' });
        }
        addEventListener() {}
        close() {}
      }
      g['Notification'] = FakeNotification;
      const Audio = g['AudioContext'] as { prototype: { createOscillator(): { start(...a: unknown[]): void } } } | undefined;
      if (Audio) {
        const make = Audio.prototype.createOscillator;
        Audio.prototype.createOscillator = function (this: unknown) {
          const osc = make.call(this);
          const start = osc.start.bind(osc);
          osc.start = (...a: unknown[]) => ((g['__tones'] = Number(g['__tones']) + 1), start(...a));
          return osc;
        };
      }
    });
    const page = await context.newPage();
    await submitLogin(page, base, 'rita', PASSWORD);
    await page.locator('#live').waitFor();
    const recorded = () => page.evaluate(() => (globalThis as unknown as { __notes: Array<{ title: string; body: string }> }).__notes);
    expect(await page.textContent('#notify')).toBe('Notify me of urgent items');
    await page.click('#notify');
    await page.locator('#notify', { hasText: 'Urgent notifications on' }).waitFor();
    await seedMention(app.ctx, {
      nativeId: 'notify-1',
      text: 'My lawyer will hear about the lost wheelchair',
      priority: 'urgent',
      urgency: 95,
      author: 'wheels',
    });
    await expect
      .poll(recorded, { timeout: 15_000 })
      .toEqual([{ title: 'Urgent (95): @wheels on mastodon', body: 'My lawyer will hear about the lost wheelchair' }]);
    expect(await page.evaluate(() => (globalThis as unknown as { __tones: number }).__tones)).toBe(2);
    // A normal item is no reason to interrupt anyone.
    await seedMention(app.ctx, {
      nativeId: 'notify-2',
      text: 'Is there wifi on the plane?',
      priority: 'normal',
      urgency: 20,
      author: 'asker',
    });
    await seedMention(app.ctx, {
      nativeId: 'notify-3',
      text: 'Your staff threatened me at the gate',
      priority: 'urgent',
      urgency: 80,
      author: 'second',
    });
    await expect
      .poll(async () => (await recorded()).map((n) => n.title), { timeout: 15_000 })
      .toEqual(['Urgent (95): @wheels on mastodon', 'Urgent (80): @second on mastodon']);
    await context.close();
  });
});
