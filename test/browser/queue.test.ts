import path from 'node:path';
import { type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/admin/password.js';
import { toMention, type Mention } from '../../src/mention.js';
import { triageBatch } from '../../src/route/triage-batch.js';
import { getItems, ItemStatuses } from '../../src/store/inbox.js';
import { ingestMentions } from '../../src/store/mentions.js';
import { openInbox, openQueueAs, screenshotDir, type InboxBrowser } from '../helpers/browser-app.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { seedItems, type ItemSeed } from '../helpers/queue-seed.js';
import { nth } from '../helpers/present.js';

const PASSWORD = 'queue-browser-password-1';
const OUT = screenshotDir();
const HOUR = 3_600_000;
let app: TestApp;
let ui: InboxBrowser;
let browser: Browser;
let base: string;

const open = (options: BrowserContextOptions = {}, hash = '#/'): Promise<Page> =>
  openQueueAs({ browser, base }, { name: 'rita', password: PASSWORD }, options, hash);

const hashOf = (page: Page) => new URL(page.url()).hash;
const ids = (page: Page, list = '#items > .entry') =>
  page.locator(list).evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id')));

beforeAll(async () => {
  const passwordHash = await hashPassword(PASSWORD);
  app = await testApp({ users: [{ name: 'rita', role: 'responder', passwordHash }] });
  const now = Date.now();
  // 5,000 open items of one source, oldest SLA last; every urgency from 0 to 99 appears 50 times.
  const many: ItemSeed[] = Array.from({ length: 5000 }, (_, i) => ({
    id: `p${String(i).padStart(4, '0')}`,
    sourceId: 'paging',
    urgency: i % 100,
    slaDueAt: now + 2 * HOUR + i * 1000,
    text: `paging post ${i}`,
  }));
  await seedItems(app.ctx.db, many);
  ui = await openInbox(app.ctx);
  ({ browser, base } = ui);
}, 90_000);

afterAll(async () => {
  await ui?.close();
  await app?.close();
});

describe('queue in a real browser', () => {
  it('pages a queue of 5,000 items with keyset next/previous and an exact total', async () => {
    const page = await open({}, '#/?source=paging');
    await expect.poll(() => page.locator('#queue-count').textContent()).toBe('1–100 of 5,000');
    const first = await ids(page);
    expect(first).toHaveLength(100);
    // Highest urgency first: 50 items at 99, then 98.
    expect(await page.locator('#items > .entry .urgency').first().textContent()).toBe('99');
    expect(await page.locator('#queue-prev').isHidden()).toBe(true);
    await page.click('#queue-more');
    await expect.poll(() => page.locator('#queue-count').textContent()).toBe('101–200 of 5,000');
    const second = await ids(page);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    await page.click('#queue-prev');
    await expect.poll(() => page.locator('#queue-count').textContent()).toBe('1–100 of 5,000');
    expect(await ids(page)).toEqual(first);
    await page.context().close();
  });

  it('filters live in the hash: a reload keeps them and the back button undoes them', async () => {
    await seedItems(app.ctx.db, [{ id: 'f-urgent', sourceId: 'paging', priority: 'urgent', urgency: 70 }]);
    const page = await open({}, '#/?source=paging');
    await page.selectOption('#f-priority', 'urgent');
    await expect.poll(() => hashOf(page)).toBe('#/?priority=urgent&source=paging');
    await expect.poll(() => ids(page)).toEqual(['f-urgent']);
    await page.reload();
    await expect.poll(() => ids(page)).toEqual(['f-urgent']);
    expect(await page.inputValue('#f-priority')).toBe('urgent');
    await page.goBack();
    await expect.poll(() => page.locator('#queue-count').textContent()).toBe('1–100 of 5,001');
    expect(await page.inputValue('#f-priority')).toBe('');
    // Saved as a view: a tab that brings the filters back.
    await page.goto(`${base}/#/?priority=urgent&source=paging`);
    await page.click('#view-save');
    await page.fill('#view-name', 'Urgent paging');
    await page.click('#view-form button[type=submit]');
    await page.locator('.view-tab.active', { hasText: 'Urgent paging' }).waitFor();
    await page.click('a[data-view=""]');
    await expect.poll(() => hashOf(page)).toBe('#/');
    await page.locator('#view-tabs a', { hasText: 'Urgent paging' }).click();
    await expect.poll(() => ids(page)).toEqual(['f-urgent']);
    await page.context().close();
  });

  it("the status filter offers the server's statuses, and a link naming one opens with it chosen", async () => {
    await seedItems(app.ctx.db, [{ id: 'f-posted', sourceId: 'paging', status: 'posted', urgency: 10 }]);
    const page = await open({}, '#/?status=posted&source=paging');
    const options = await page.locator('#f-status option').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('value')));
    expect(options).toEqual(['', ...ItemStatuses, 'all']);
    expect(await page.inputValue('#f-status')).toBe('posted');
    await expect.poll(() => ids(page)).toEqual(['f-posted']);
    await page.context().close();
  });

  it('bulk reject: shift-click a range, reject with a reason, a partial failure shown per item', async () => {
    const seeds = ['b0', 'b1', 'b2', 'b3', 'b4'].map((id, i) => ({ id, sourceId: 'bulk', urgency: 90 - i }));
    await seedItems(app.ctx.db, seeds);
    const page = await open({}, '#/?source=bulk');
    await expect.poll(() => ids(page)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    await page.click('#items > .entry[data-id="b0"] .pick');
    await page.click('#items > .entry[data-id="b3"] .pick', { modifiers: ['Shift'] });
    await expect.poll(() => page.locator('#bulk-count').textContent()).toBe('4 selected');
    // Someone else answers b2 meanwhile: it must be refused, the other three rejected.
    await app.ctx.db.query(`UPDATE inbox_items SET status = 'posted' WHERE id = 'b2'`);
    await page.click('#bulk-reject');
    await page.fill('#bulk-reason', 'duplicate of the pinned thread');
    await page.click('#bulk-reject-form button[type=submit]');
    await expect
      .poll(() => page.locator('#bulk-result').textContent())
      .toBe('Rejected 3 of 4. 1 not changed: cannot reject an item that is posted');
    await expect.poll(() => ids(page)).toEqual(['b4']);
    const after = Object.fromEntries(
      (await getItems(app.ctx.db, ['b0', 'b1', 'b2', 'b3', 'b4'])).map((i) => [i.id, [i.status, i.rejectReason]]),
    );
    expect(after).toEqual({
      b0: ['rejected', 'duplicate of the pinned thread'],
      b1: ['rejected', 'duplicate of the pinned thread'],
      b2: ['posted', null],
      b3: ['rejected', 'duplicate of the pinned thread'],
      b4: ['new', null],
    });
    await page.context().close();
  });

  it('a near-duplicate group is one row "+N similar" that expands, and spam with similar takes the group', async () => {
    await seedItems(app.ctx.db, [
      { id: 'g0', sourceId: 'group', dupKey: 'k1', urgency: 50 },
      ...[1, 2, 3].map((n) => ({ id: `g${n}`, sourceId: 'group', dupKey: 'k1', dupOf: 'g0', urgency: 50 })),
      { id: 'g9', sourceId: 'group', urgency: 10 },
    ]);
    const page = await open({}, '#/?source=group');
    await expect.poll(() => ids(page)).toEqual(['g0', 'g9']);
    expect(await page.locator('#queue-count').textContent()).toBe('1–5 of 5');
    await page.click('#items > .entry[data-id="g0"] .similar');
    await expect.poll(() => ids(page, '#items .similar-list > .entry')).toEqual(['g1', 'g2', 'g3']);
    await page.click('#items > .entry[data-id="g0"] .pick');
    await page.click('#bulk-spam');
    await expect.poll(() => page.locator('#bulk-result').textContent()).toBe('Marked as spam 4 of 4.');
    await expect.poll(() => ids(page)).toEqual(['g9']);
    await page.context().close();
  });

  it('shows loading until the answer, an error with a retry after a 500, and "Nothing waiting" only for a real zero', async () => {
    await seedItems(app.ctx.db, [{ id: 'e1', sourceId: 'errs' }]);
    const page = await open({}, '#/?source=paging');
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const inbox = (source: string) => (url: URL) => url.pathname === '/api/inbox' && url.searchParams.get('source') === source;
    await page.route(inbox('nothing-here'), async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${base}/#/?source=nothing-here`);
    await page.locator('#queue-loading').waitFor();
    expect(await page.locator('#queue-empty').isHidden()).toBe(true);
    release();
    await page.locator('#queue-empty').waitFor();
    expect(await page.locator('#queue-loading').isHidden()).toBe(true);

    const bulk = inbox('errs');
    await page.route(bulk, (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"internal","message":"internal error"}' }),
    );
    await page.goto(`${base}/#/?source=errs`);
    await page.locator('#queue-error', { hasText: 'internal error' }).waitFor();
    expect(await page.locator('#queue-empty').isHidden()).toBe(true);
    await page.unroute(bulk);
    await page.click('#queue-retry');
    await expect.poll(() => ids(page)).toEqual(['e1']);
    expect(await page.locator('#queue-error').isHidden()).toBe(true);
    // A network failure is an error too, not an empty queue.
    await page.route(inbox('errs-net'), (route) => route.abort('connectionrefused'));
    await page.goto(`${base}/#/?source=errs-net`);
    await page.locator('#queue-error', { hasText: 'could not be reached' }).waitFor();
    await page.context().close();
  });

  it('a storm of 5,000 posts: every urgent item is on the first page of the default view, and found by search and filter', async () => {
    const urgent = [
      '@AcmeAir you lost my wheelchair on AA212 three days ago and nobody answers. My lawyer is preparing a claim against you.',
      '@AcmeAir the emergency exit door on AA118 was rattling loose the whole flight. This is a safety issue and I have reported it to the aviation authority.',
      "I'm a reporter at the Daily Ledger writing a story about Acme Air's delays this week. @AcmeAir could your press office comment before Friday?",
    ];
    const storm = (n: number) =>
      nth(
        [
          `@AcmeAir flight AA${100 + (n % 7)} delayed again tonight, what a mess`,
          `RT @newsdesk: Acme Air delays pile up at the airport again tonight, long queues at every desk`,
          `Another evening, another Acme Air delay. Gate ${n % 20} is packed and the board says nothing`,
          `@AcmeAir is the ${n % 12} o'clock to Lisbon going or not? The app and the board disagree`,
        ],
        n % 4,
      );
    const texts = Array.from({ length: 5000 }, (_, n) => storm(n));
    [1234, 2718, 4001].forEach((at, i) => (texts[at] = nth(urgent, i)));
    const mentions: Mention[] = texts.map((text, n) => {
      const built = toMention({
        platform: 'mastodon',
        sourceId: 'storm',
        brandId: 'acme',
        nativeId: `storm-${n}`,
        url: `https://social.example/@s${n}/${n}`,
        text,
        lang: 'en',
        createdAt: new Date(Date.now() - (5000 - n) * 1000).toISOString(),
        author: { id: `s${n}`, handle: `s${n}`, name: `Storm ${n}`, followers: 50 + (n % 500), url: null },
        inReplyToId: null,
        engagement: { replies: 0, reposts: 0, likes: 0 },
        rating: null,
        replyRef: { statusId: `storm-${n}` },
      });
      if (!built.ok) throw new Error(built.reason);
      return built.mention;
    });
    for (let i = 0; i < mentions.length; i += 1000) await ingestMentions(app.ctx.db, mentions.slice(i, i + 1000));
    // The real triage and routing (near-duplicate keys, priorities), without the job queues.
    for (let i = 0; i < mentions.length; i += 500)
      await triageBatch(
        app.ctx,
        mentions.slice(i, i + 500).map((m) => m.id),
      );
    const { rows } = await app.ctx.db.query<{ id: string; dup_of: string | null }>(
      `SELECT id, dup_of FROM inbox_items WHERE source_id = 'storm' AND rank = 0`,
    );
    const threatIds = [1234, 2718, 4001].map((n) => nth(mentions, n).id);
    expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining(threatIds));

    const page = await open({}, '#/');
    await page.locator('#items > .entry').first().waitFor();
    const onPage = new Set(await ids(page));
    // Each urgent item is a row of the first page, or grouped under one of its rows.
    for (const r of rows) expect(onPage.has(r.id) || (r.dup_of !== null && onPage.has(r.dup_of)), r.id).toBe(true);
    for (const id of threatIds) expect(onPage.has(id), id).toBe(true);
    await page.screenshot({ path: path.join(OUT, 'queue-storm.png') });

    await page.fill('#f-q', 'lawyer');
    await expect.poll(() => ids(page)).toContain(threatIds[0]);
    await page.fill('#f-q', '');
    await page.goto(`${base}/#/?priority=urgent&source=storm`);
    await expect
      .poll(async () => {
        const shown = new Set(await ids(page));
        return threatIds.filter((id) => !shown.has(id));
      })
      .toEqual([]);
    await page.context().close();
  }, 120_000);
});
