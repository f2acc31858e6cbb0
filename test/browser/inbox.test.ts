import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/admin/password.js';
import { pollSource } from '../../src/listen/poll.js';
import { getItems, listItemIds, type InboxItem } from '../../src/store/inbox.js';
import { openInbox, submitLogin, screenshotDir, type InboxBrowser } from '../helpers/browser-app.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/wait.js';
import { startAllWorkers } from '../helpers/workers.js';

const PASSWORD = 'listen-carefully-2026';
const OUT = screenshotDir();
const HOSTILE =
  '@AcmeAir my refund is late <script>alert("s")</script> <img src=x onerror=alert("i")> see javascript:alert("j") <!channel>';

const line = (id: string, text: string, minutesAgo: number, author: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ id, text, createdAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(), author, url: `https://social.example/@${String(author['handle'])}/${id}`, ...extra })}\n`;

function seedFile(dir: string): void {
  writeFileSync(
    path.join(dir, 'in.jsonl'),
    line('1', 'Does @AcmeAir allow pets in the cabin on short flights?', 50, {
      id: 'u1',
      handle: 'petlover',
      name: 'Pat Lover',
      followers: 320,
    }) +
      line(
        '2',
        HOSTILE,
        40,
        { id: 'u2', handle: 'mallory', name: '<b>Mallory</b> <!here>', followers: 12, url: 'javascript:alert("author")' },
        { url: 'javascript:alert("post")' },
      ) +
      line('3', '@AcmeAir you lost my bag 3 days ago and nobody answers. Still waiting. My lawyer will hear about this!!!', 30, {
        id: 'u3',
        handle: 'loud',
        name: 'Lou Loud',
        followers: 250_000,
      }) +
      line('4', 'Thanks @AcmeAir, the crew on my flight this morning was lovely!', 20, {
        id: 'u4',
        handle: 'happy',
        name: 'Hap Py',
        followers: 900,
      }) +
      line('5', '@AcmeAir my flight was delayed four hours and the app still says on time. Not great.', 10, {
        id: 'u5',
        handle: 'grumpy',
        name: 'Gru Mpy',
        followers: 4_100,
      }),
  );
}

let app: TestApp;
let ui: InboxBrowser;
let workers: { close(): Promise<void> };
let browser: Browser;
let base: string;
let dir: string;
const dialogs: string[] = [];
const strayRequests: string[] = [];

async function items(): Promise<InboxItem[]> {
  return getItems(app.ctx.db, await listItemIds(app.ctx.db, 100));
}

/** Every page records dialogs and requests that leave the inbox's own origin. */
async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(base)) strayRequests.push(r.url());
  });
  page.on('pageerror', (err) => strayRequests.push(`pageerror: ${err.message}`));
  return page;
}

async function signIn(page: Page, name: string): Promise<void> {
  await submitLogin(page, base, name, PASSWORD);
  await page.waitForSelector('#items .entry');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-browser-'));
  seedFile(dir);
  const passwordHash = await hashPassword(PASSWORD);
  app = await testApp({
    sources: [
      {
        id: 'social',
        kind: 'file',
        brand: 'acme',
        interval: '1h',
        options: { path: path.join(dir, 'in.jsonl'), outbox: path.join(dir, 'outbox.jsonl') },
      },
    ],
    users: [
      { name: 'ana', role: 'approver', passwordHash },
      { name: 'vic', role: 'viewer', passwordHash },
    ],
  });
  workers = startAllWorkers(app.ctx);
  expect(await pollSource(app.ctx, 'social')).toMatchObject({ status: 'ok', stored: 5 });
  await waitFor('routed items', async () => ((await items()).length >= 4 ? true : undefined), 20_000);
  ui = await openInbox(app.ctx);
  ({ browser, base } = ui);
}, 60_000);

afterAll(async () => {
  await ui?.close();
  await workers?.close();
  await app?.close();
});

describe('web inbox in a real browser', () => {
  it('signs in, shows the urgent item first, edits and approves it, and sees it posted', async () => {
    const page = await newPage();
    await signIn(page, 'ana');
    const first = page.locator('#items .entry').first();
    expect(await first.getAttribute('class')).toContain('urgent');
    await expect.poll(() => first.locator('.text').textContent()).toContain('lost my bag');
    expect(await first.locator('.countdown').textContent()).toMatch(/left$/);
    // The server's exact total of open items, and no next page when they all fit on one.
    const open = (await items()).filter((i) => !['posted', 'rejected'].includes(i.status)).length;
    await expect.poll(() => page.locator('#queue-count').textContent()).toBe(`1–${open} of ${open}`);
    expect(await page.locator('#queue-more').isHidden()).toBe(true);
    await page.screenshot({ path: path.join(OUT, 'queue.png'), fullPage: true });
    // docs/inbox.png is refreshed by hand from test-output/inbox.png, so a test run never dirties the tree.
    await page.screenshot({ path: path.join(OUT, 'inbox.png') });

    await page.keyboard.press('Enter');
    await page.waitForSelector('#draft-text');
    await page.keyboard.press('e');
    const edited = 'Hi Lou, we are so sorry about your bag. We have found it and a courier brings it today. DM us your address.';
    await page.fill('#draft-text', edited);
    await page.click('#save-draft');
    // Locators, not waitForFunction: the page's CSP (rightly) forbids evaluating strings.
    await page.locator('.draft h2', { hasText: 'edited' }).waitFor();
    await page.screenshot({ path: path.join(OUT, 'item.png'), fullPage: true });
    if (await page.locator('#ack-warnings').count()) await page.check('#ack-warnings');
    await page.click('#approve');
    // Live updates: the page follows approved → publishing → posted without a reload.
    await page.locator('#item-status', { hasText: /^posted$/ }).waitFor({ timeout: 20_000 });
    const outbox = readFileSync(path.join(dir, 'outbox.jsonl'), 'utf8').trim().split('\n');
    expect(outbox).toHaveLength(1);
    expect(JSON.parse(outbox[0] as string)).toMatchObject({ text: edited, inReplyTo: '3' });
    await page.context().close();
  });

  it('renders hostile post text inert: no dialog, no outside request, text visible', async () => {
    const page = await newPage();
    await signIn(page, 'ana');
    const hostile = (await items()).find((i) => i.sourceId === 'social' && i.draft.includes('mallory'));
    const id = hostile?.id ?? (await page.locator('#items .entry', { hasText: 'refund is late' }).getAttribute('data-id'));
    await page.goto(`${base}/#/item/${id}`);
    await page.waitForSelector('#post-text');
    expect(await page.textContent('#post-text')).toBe(HOSTILE);
    expect(await page.locator('#item-body script, #item-body img, #items img').count()).toBe(0);
    expect(await page.locator('#item-body a[href^="javascript"]').count()).toBe(0);
    expect(await page.locator('.author-card').textContent()).toContain('<b>Mallory</b> <!here>');
    for (const a of await page.locator('#item-body a[target=_blank]').all())
      expect(await a.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    await page.goto(`${base}/#/`);
    await page.waitForSelector('#items .entry');
    expect(await page.locator('#items').textContent()).toContain('<script>alert("s")</script>');
    // Once the network is idle every image or script the text could have smuggled in has loaded or
    // failed, and its handlers have run: a dialog or request would be recorded by now.
    await page.waitForLoadState('networkidle');
    expect(dialogs).toEqual([]);
    expect(strayRequests).toEqual([]);
    await page.context().close();
  });

  it('shows the analytics page with SVG charts', async () => {
    const page = await newPage();
    await signIn(page, 'ana');
    await page.click('a[href="#/analytics"]');
    await page.waitForSelector('#analytics-body svg.chart rect.bar');
    expect(await page.locator('#recovery-text').textContent()).toMatch(/of \d+ authors/);
    await page.screenshot({ path: path.join(OUT, 'analytics.png'), fullPage: true });
    await page.click('a[href="#/audit"]');
    await page.waitForSelector('table.audit tbody tr');
    expect(await page.locator('table.audit').textContent()).toContain('item.approved');
    await page.context().close();
  });

  it('a viewer sees no approve button, and the server refuses the approval', async () => {
    const page = await newPage();
    await signIn(page, 'vic');
    await page.locator('#items .entry a').first().click();
    await page.waitForSelector('#draft-text');
    expect(await page.locator('#approve').count()).toBe(0);
    expect(await page.locator('#edit, #reject, #assign').count()).toBe(0);
    expect(await page.locator('#nav-audit').isHidden()).toBe(true);
    const id = page.url().split('/item/')[1] as string;
    const status = await page.evaluate(async (itemId) => {
      const { csrfToken } = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const res = await fetch(`/api/items/${itemId}/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
        body: JSON.stringify({ draftVersion: 1 }),
      });
      return res.status;
    }, id);
    expect(status).toBe(403);
    expect((await items()).find((i) => i.id === id)?.status).not.toBe('approved');
    await page.context().close();
  });

  it('signs out', async () => {
    const page = await newPage();
    await signIn(page, 'vic');
    await page.click('#logout');
    await page.waitForSelector('#login:not([hidden])');
    await page.reload();
    await page.waitForSelector('#login:not([hidden])');
    await page.context().close();
  });
});
