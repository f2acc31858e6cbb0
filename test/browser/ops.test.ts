import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/admin/password.js';
import { pollSource } from '../../src/listen/poll.js';
import { appendAudit } from '../../src/store/audit.js';
import { recordPollSuccess, resumeSource } from '../../src/store/sources.js';
import { FakeMastodon } from '../fakes/mastodon.js';
import { PERIOD, seedAnalytics, TWO_PERIODS } from '../helpers/analytics-seed.js';
import { openInbox, submitLogin, screenshotDir, type InboxBrowser } from '../helpers/browser-app.js';
import { testApp, type TestApp } from '../helpers/app.js';

// Source health, the banner, test connection, a manager's analytics against the previous period
// and the audit log's filters and paging, in Debian's Chromium. One browser for the whole file.
const PASSWORD = 'ops-review-2026';
const OUT = screenshotDir();
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

let up: FakeMastodon;
let down: FakeMastodon;
let app: TestApp;
let ui: InboxBrowser;
let browser: Browser;
let base: string;
let ids: Record<string, string>;
const pageErrors: string[] = [];

async function newPage(width = 1280): Promise<Page> {
  // UTC, so the date inputs mean the same days as the seeded periods.
  const context = await browser.newContext({ viewport: { width, height: 900 }, timezoneId: 'UTC' });
  const page = await context.newPage();
  page.on('dialog', (d) => {
    pageErrors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
  return page;
}

/** Each cell's column name (data-label) and where it sits across the screen. */
const cellBoxes = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((nodes) =>
    nodes.map((n) => {
      const r = (n as unknown as { getBoundingClientRect(): { left: number; right: number } }).getBoundingClientRect();
      return { label: (n as unknown as { dataset: Record<string, string> }).dataset.label, left: r.left, right: r.right };
    }),
  );

async function signIn(page: Page, name: string, password = PASSWORD): Promise<void> {
  await submitLogin(page, base, name, password);
}

async function signedIn(name: string): Promise<Page> {
  const page = await newPage();
  await signIn(page, name);
  await page.waitForSelector('#queue:not([hidden])');
  return page;
}

beforeAll(async () => {
  up = await FakeMastodon.start({ token: 'fake-token' });
  down = await FakeMastodon.start({ token: 'fake-token' });
  for (let i = 0; i < 3; i++) up.addMention(up.status({ text: `@AcmeAir my bag ${i} is lost`, acct: `t${i}@social.example` }));
  const passwordHash = await hashPassword(PASSWORD);
  const source = (id: string, instance: string, token: string) => ({
    id,
    kind: 'mastodon',
    brand: 'acme',
    interval: '1h',
    stream: false,
    options: { instance, token },
  });
  app = await testApp({
    sources: [
      source('good', up.url, 'fake-token'),
      source('expired', up.url, '${ACME_MASTODON_TOKEN:-expired-token}'),
      source('broken', down.url, 'fake-token'),
    ],
    users: ['admin', 'ana', 'bob', 'vic'].map((name) => ({
      name,
      role: name === 'admin' ? 'admin' : name === 'vic' ? 'viewer' : 'approver',
      passwordHash,
    })),
  });
  await pollSource(app.ctx, 'good');
  await pollSource(app.ctx, 'expired');
  down.failNext(502, '<html>upstream down</html>', { times: 1000 });
  for (let i = 0; i < 3; i++) await pollSource(app.ctx, 'broken').catch(() => undefined);
  ids = await seedAnalytics(app.ctx, TWO_PERIODS);
  await appendAudit(app.ctx.db, 'ana', 'item.approved', ids['c1'], { draftVersion: 3 });
  for (let i = 0; i < 55; i++) await appendAudit(app.ctx.db, 'ana', 'item.assigned', ids['c2'], { assignee: i % 2 ? 'bob' : null });
  for (let i = 0; i < 5; i++) await appendAudit(app.ctx.db, 'bob', 'item.rejected', ids['c3'], { reason: `<b>spam</b> number ${i}` });
  ui = await openInbox(app.ctx);
  ({ browser, base } = ui);
}, 60_000);

afterAll(async () => {
  await ui?.close();
  await app?.close();
  await Promise.all([up?.close(), down?.close()]);
});

describe('source health page', () => {
  it('shows each source\u2019s state, what to renew, and a banner on every page that links to it', async () => {
    const page = await signedIn('vic');
    const banner = page.locator('#source-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/2 sources need attention: expired \(needs new credentials\), broken \(failing\)/);
    await page.click('a[href="#/analytics"]');
    await page.waitForSelector('#analytics:not([hidden])');
    expect(await banner.isVisible()).toBe(true);
    await banner.locator('a[href="#/sources"]').click();
    await page.waitForSelector('#source-broken');
    expect(await page.getAttribute('#source-broken', 'data-state')).toBe('failing');
    expect(await page.textContent('#source-broken .badge.state')).toBe('Failing');
    expect(await page.textContent('#source-broken .summary')).toContain('The last 3 polls failed: platform temporarily failing (HTTP 502)');
    expect(await page.textContent('#source-expired .badge.state')).toBe('Needs new credentials');
    expect(await page.locator('#source-expired .renew code').allTextContents()).toEqual([
      'sources[1].options.token',
      '$ACME_MASTODON_TOKEN',
    ]);
    expect(await page.textContent('#source-good .badge.state')).toBe('OK');
    expect(await page.textContent('#sources-summary')).toBe('2 of 3 need attention.');
    // Viewers read health; testing a connection is for admins.
    expect(await page.locator('button.test-connection').count()).toBe(0);
    expect(await page.textContent('#sources-body')).not.toContain('upstream down');
    await page.context().close();
  });

  it('lets an admin test a connection: ok with a count, or the redacted error', async () => {
    const page = await signedIn('admin');
    await page.goto(`${base}/#/sources`);
    await page.locator('#source-good button.test-connection').click();
    await expect
      .poll(() => page.textContent('#source-good .test-result'))
      .toMatch(/^Connection ok: 3 posts read in \d+ ms; nothing was stored\.$/);
    await page.locator('#source-expired button.test-connection').click();
    await expect
      .poll(() => page.textContent('#source-expired .test-result'))
      .toMatch(/^Connection failed: credentials rejected \(HTTP 401\)/);
    expect(await page.textContent('#sources-body')).not.toContain('expired-token');
    await page.screenshot({ path: path.join(OUT, 'sources.png'), fullPage: true });
    await page.context().close();
  });

  it('drops the banner once every source works again', async () => {
    await recordPollSuccess(app.ctx.db, 'broken', { cursor: null, items: 0 });
    await resumeSource(app.ctx.db, 'expired');
    const page = await signedIn('vic');
    await page.goto(`${base}/#/sources`);
    await expect.poll(() => page.textContent('#sources-summary')).toBe('All 3 sources are working.');
    expect(await page.locator('#source-banner').isHidden()).toBe(true);
    await page.context().close();
  });
});

describe('analytics for a manager', () => {
  it('compares the chosen week with the week before, per category, platform and responder', async () => {
    const page = await signedIn('ana');
    await page.click('a[href="#/analytics"]');
    await page.waitForSelector('#comparison');
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    await page.fill('#a-from', day(PERIOD.from));
    await page.fill('#a-to', day(PERIOD.to));
    await page.click('#a-go');
    const kpi = (id: string) => Promise.all([page.textContent(`#kpi-${id} .kpi-value`), page.textContent(`#kpi-${id} .delta`)]);
    await expect.poll(() => kpi('mentions')).toEqual(['6', '+2 (+50 %)']);
    expect(await kpi('complaints')).toEqual(['4', '+1 (+33 %)']);
    expect(await kpi('replied')).toEqual(['3', 'no change']);
    expect(await kpi('first-response')).toEqual(['30m 0s', '2h 30m faster']);
    expect(await kpi('sla')).toEqual(['50 %', '+50 pts']);
    expect(await page.getAttribute('#kpi-complaints .delta', 'class')).toContain('bad');
    expect(await page.getAttribute('#kpi-first-response .delta', 'class')).toContain('good');
    const cells = (selector: string) => page.locator(`${selector} td`).allTextContents();
    expect(await cells('#categories tr[data-category="billing_refund"]')).toEqual(['billing refund', '3', '', '+2 (+200 %)', '3']);
    expect(await cells('#categories tr[data-category="delay_cancellation"]')).toEqual(['delay cancellation', '1', '', '−1 (−50 %)', '1']);
    expect(await cells('#platforms tr[data-platform="bluesky"]')).toEqual(['bluesky', '3', '+3 (new)', '67 %', '1 of 2', '20m 0s', '50 %']);
    expect(await cells('#responders tr[data-responder="ana"]')).toEqual(['ana', '2', 'no change', '30m 0s', '50 % (1 of 2)']);
    expect(await cells('#responders tr[data-responder="bob"]')).toEqual(['bob', '1', 'no change', '20m 0s', '100 % (1 of 1)']);
    await page.screenshot({ path: path.join(OUT, 'analytics-comparison.png'), fullPage: true });
    await page.context().close();
  });

  it('on a 390 px phone each category, platform and responder row is a card with every column on the screen', async () => {
    const page = await newPage(390);
    await signIn(page, 'ana');
    await page.waitForSelector('#queue:not([hidden])');
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    await page.goto(`${base}/#/analytics`);
    await page.waitForSelector('#comparison');
    await page.fill('#a-from', day(PERIOD.from));
    await page.fill('#a-to', day(PERIOD.to));
    await page.click('#a-go');
    await page.locator('#platforms tr[data-platform="bluesky"]').waitFor();
    // Before the cards, Change, Answered and the columns after them sat past the edge in a box that scrolled sideways.
    const boxes = await cellBoxes(page, '#categories td, #platforms td, #responders td');
    expect(boxes.filter((b) => b.left < 0 || b.right > 390)).toEqual([]);
    expect(new Set(boxes.map((b) => b.label))).toEqual(
      new Set([
        'Category',
        'Complaints',
        undefined,
        'Change',
        'All mentions',
        'Platform',
        'Mentions',
        'Negative',
        'Answered',
        'Median first response',
        'SLA attained',
        'Responder',
        'Replies sent',
      ]),
    );
    await page.screenshot({ path: path.join(OUT, 'analytics-phone.png'), fullPage: true });
    await page.context().close();
  });
});

describe('audit log', () => {
  it('reads as sentences, filters by who and what, pages, and exports what it shows', async () => {
    const page = await signedIn('ana');
    await page.click('a[href="#/audit"]');
    await page.waitForSelector('#audit-filters');
    await page.selectOption('#au-action', 'item.approved');
    await page.click('#au-apply');
    await expect.poll(() => page.locator('table.audit td.what').allTextContents()).toEqual(['ana approved the reply to @uc1 (draft v3)']);
    await page.selectOption('#au-action', '');
    await page.selectOption('#au-actor', 'bob');
    await page.click('#au-apply');
    await expect.poll(() => page.textContent('#audit-count')).toBe('1–5 of 5');
    expect(await page.locator('table.audit td.what').first().textContent()).toBe('bob rejected the post by @uc3: <b>spam</b> number 4');
    expect(await page.locator('table.audit b').count()).toBe(0);

    await page.selectOption('#au-actor', '');
    await page.selectOption('#au-action', 'item.assigned');
    await page.click('#au-apply');
    await expect.poll(() => page.textContent('#audit-count')).toBe('1–50 of 55');
    expect(page.url()).toContain('#/audit?action=item.assigned');
    await page.click('#au-older');
    await expect.poll(() => page.textContent('#audit-count')).toBe('51–55 of 55');
    expect(await page.locator('table.audit tbody tr').count()).toBe(5);
    expect(await page.isDisabled('#au-older')).toBe(true);
    await page.click('#au-newer');
    await expect.poll(() => page.textContent('#audit-count')).toBe('1–50 of 55');
    // The filter is in the URL: a reload (or a shared link) shows the same view.
    await page.reload();
    await expect.poll(() => page.textContent('#audit-count')).toBe('1–50 of 55');
    const csv = await page.evaluate(async (href) => (await fetch(href)).text(), (await page.getAttribute('#au-csv', 'href')) as string);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,item_id,summary,detail');
    expect(lines).toHaveLength(56);
    // Oldest first, one sentence per entry next to the raw detail.
    expect(lines[1]).toContain(',ana unassigned the post by @uc2,');
    expect(lines[2]).toContain(',ana assigned the post by @uc2 to bob,');
    await page.screenshot({ path: path.join(OUT, 'audit.png'), fullPage: true });
    await page.context().close();
  });

  it('on a 390 px phone each entry is a card: when, what, the item link and its kind all on the screen', async () => {
    const page = await newPage(390);
    await signIn(page, 'ana');
    await page.waitForSelector('#queue:not([hidden])');
    await page.goto(`${base}/#/audit?action=item.approved`);
    await page.locator('table.audit td.what').first().waitFor();
    // Before the cards, the Kind column sat past the screen's edge inside a box that scrolled sideways.
    const boxes = await cellBoxes(page, 'table.audit tbody td:not(:empty)');
    expect(boxes.map((b) => b.label)).toEqual(['When', 'What happened', 'Item', 'Kind']);
    expect(boxes.filter((b) => b.left < 0 || b.right > 390)).toEqual([]);
    await page.screenshot({ path: path.join(OUT, 'audit-phone.png'), fullPage: true });
    await page.context().close();
  });

  it('records sign-ins and failed sign-ins: the name as typed, the address, never the password', async () => {
    const stranger = await newPage();
    await signIn(stranger, HOSTILE_NAME, 'hunter2-wrong-password');
    await stranger.waitForSelector('#error:not([hidden])');
    await stranger.context().close();
    const page = await signedIn('ana');
    await page.goto(`${base}/#/audit?action=session.sign_in_failed`);
    await expect.poll(() => page.textContent('#audit-count')).toBe('1–1 of 1');
    expect(await page.textContent('table.audit td.what')).toBe(`Failed sign-in as "${HOSTILE_NAME}" from 127.0.0.1`);
    expect(await page.locator('table.audit img').count()).toBe(0);
    await page.goto(`${base}/#/audit?action=session.signed_in&actor=ana`);
    await expect.poll(() => page.locator('table.audit td.what').first().textContent()).toBe('ana signed in from 127.0.0.1');
    const { rows } = await app.ctx.db.query<{ detail: unknown }>("SELECT detail FROM audit_log WHERE action LIKE 'session.%'");
    expect(JSON.stringify(rows)).not.toContain('hunter2');
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
    await page.context().close();
    expect(pageErrors).toEqual([]);
  });
});
