import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/admin/password.js';
import { pollSource } from '../../src/listen/poll.js';
import { getItems, listItemIds } from '../../src/store/inbox.js';
import { openInbox, submitLogin, screenshotDir, type InboxBrowser } from '../helpers/browser-app.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/wait.js';
import { startAllWorkers } from '../helpers/workers.js';

const ADMIN_PASSWORD = 'admin-password-for-tests';
const NEW_PASSWORD = 'nia-signs-in-right-away';
const OUT = screenshotDir();

let app: TestApp;
let ui: InboxBrowser;
let workers: { close(): Promise<void> };
let browser: Browser;
let base: string;
let feed: string;
const pageErrors: string[] = [];

const line = (id: string, text: string) =>
  `${JSON.stringify({ id, text, createdAt: new Date().toISOString(), author: { id: `u${id}`, handle: `person${id}`, name: 'A Person', followers: 500 } })}\n`;

async function newPage(width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('dialog', (d) => void d.dismiss());
  return page;
}

async function signIn(page: Page, name: string, password: string): Promise<void> {
  await submitLogin(page, base, name, password);
  await page.locator('#who', { hasText: name }).waitFor();
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-admin-'));
  feed = path.join(dir, 'feed.jsonl');
  writeFileSync(feed, line('1', '@AcmeAir my flight was cancelled and nobody answers the phone. Furious.'));
  app = await testApp({
    sources: [
      { id: 'social', kind: 'file', brand: 'acme', interval: '1h', options: { path: feed, outbox: path.join(dir, 'outbox.jsonl') } },
    ],
    users: [{ name: 'root', role: 'admin', passwordHash: await hashPassword(ADMIN_PASSWORD) }],
  });
  // As `earshot start` does: seed from the file, then follow changes.
  await app.ctx.directory.open(
    { db: app.ctx.db, redis: app.ctx.redis, channel: app.ctx.keys.directory, log: app.ctx.log },
    { follow: true },
  );
  workers = startAllWorkers(app.ctx);
  expect(await pollSource(app.ctx, 'social')).toMatchObject({ status: 'ok', stored: 1 });
  ui = await openInbox(app.ctx);
  ({ browser, base } = ui);
}, 60_000);

afterAll(async () => {
  await ui?.close();
  await workers?.close();
  await app?.ctx.directory.close();
  await app?.close();
});

describe('admin page in a real browser', () => {
  it('an admin adds a user and a brand; the user signs in; a post naming the brand is routed to it without a restart', async () => {
    const page = await newPage();
    await signIn(page, 'root', ADMIN_PASSWORD);
    await page.click('#nav-admin');
    await page.locator('#admin-users tr[data-user="root"]').waitFor();

    await page.fill('#au-name', 'nia');
    await page.selectOption('#au-role', 'responder');
    await page.fill('#au-password', NEW_PASSWORD);
    await page.click('#admin-user-form button[type=submit]');
    await page.locator('#admin-users tr[data-user="nia"]').waitFor();
    expect(await page.locator('#admin-users tr[data-user="nia"] select').inputValue()).toBe('responder');

    await page.fill('#ab-id', 'zephyr');
    await page.fill('#ab-name', 'Zephyr Rail');
    await page.fill('#ab-keywords', 'zephyr rail, zephyrrail');
    await page.fill('#ab-handles', '@ZephyrRail');
    await page.click('#admin-brand-form button[type=submit]');
    await page.locator('#admin-brands tr[data-brand="zephyr"]', { hasText: 'Zephyr Rail' }).waitFor();
    await page.screenshot({ path: path.join(OUT, 'admin.png'), fullPage: true });

    // A name that is taken is refused next to the form, and nothing is added.
    await page.fill('#au-name', 'nia');
    await page.fill('#au-password', NEW_PASSWORD);
    await page.click('#admin-user-form button[type=submit]');
    await page.locator('#admin-user-form + .inline-error, .inline-error', { hasText: 'exists already' }).waitFor();

    appendFileSync(feed, line('2', 'Zephyr Rail cancelled my train twice this week and the refund never came. Awful service.'));
    expect(await pollSource(app.ctx, 'social')).toMatchObject({ status: 'ok', stored: 1 });
    const routed = await waitFor(
      'the Zephyr post in the inbox',
      async () => (await getItems(app.ctx.db, await listItemIds(app.ctx.db, 50))).find((i) => i.brandId === 'zephyr'),
      20_000,
    );
    expect(routed.draft).toContain('Zephyr Rail');

    const nia = await newPage();
    await signIn(nia, 'nia', NEW_PASSWORD);
    expect(await nia.locator('#who').textContent()).toContain('responder');
    expect(await nia.locator('#nav-admin').isHidden()).toBe(true);
    await nia.locator('#items .entry', { hasText: 'Zephyr Rail cancelled my train' }).waitFor();

    // Disabling her on the admin page signs her out: her next request is refused.
    await page.locator('#admin-users tr[data-user="nia"] button', { hasText: 'Disable' }).click();
    await page.locator('#admin-users tr[data-user="nia"]', { hasText: 'disabled' }).waitFor();
    await nia.reload();
    await nia.locator('#login').waitFor({ state: 'visible' });
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('on a 390 px phone every user and brand, with its buttons, is on the screen, each value beside its column name', async () => {
    const phone = await newPage(390);
    await signIn(phone, 'root', ADMIN_PASSWORD);
    await phone.click('#nav-admin');
    await phone.locator('#admin-users tr[data-user="root"]').waitFor();
    await phone.locator('#admin-brands tr[data-brand]').first().waitFor();
    // Before the cards, the tables scrolled inside themselves and hid the last columns (the buttons) past the edge.
    const offScreen = await phone
      .locator('#admin-users button, #admin-users select, #admin-brands button, #admin-brands td')
      .evaluateAll((nodes) =>
        nodes
          .map((n) => n as unknown as { getBoundingClientRect(): { left: number; right: number }; textContent: string | null })
          .filter((n) => n.getBoundingClientRect().left < 0 || n.getBoundingClientRect().right > 390)
          .map((n) => n.textContent),
      );
    expect(offScreen).toEqual([]);
    expect(await phone.locator('#admin-users tr[data-user="root"] td[data-label="Role"] select').isVisible()).toBe(true);
    await phone.locator('#admin-brands tr[data-brand] button', { hasText: 'Edit' }).first().click();
    expect(await phone.locator('#admin-brands td[data-label="Keywords"] input').first().isVisible()).toBe(true);
    await phone.screenshot({ path: path.join(OUT, 'admin-phone.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
