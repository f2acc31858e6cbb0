import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuePage } from '../src/store/inbox-queue.js';
import type { QueueFilter } from '../src/store/queue-filter.js';
import { testApp, type TestApp } from './helpers/app.js';
import { seedItems, type ItemSeed } from './helpers/queue-seed.js';

/**
 * The queue's text filter is answered from the text indexes and sorted (inbox-queue.ts,
 * matchesInOrder), not by the segment scans the other filters use. Its pages must still be the
 * unfiltered queue's order restricted to the matches, and a walk must cover each match once.
 */
let app: TestApp;
const NOW = Date.UTC(2026, 5, 1, 12);
const OPEN = ['new', 'assigned', 'needs_check'];

beforeAll(async () => {
  app = await testApp();
  const seeds: ItemSeed[] = Array.from({ length: 240 }, (_, i) => ({
    id: `q${String(i).padStart(3, '0')}`,
    priority: i % 4 === 0 ? 'urgent' : 'normal',
    urgency: (i * 37) % 100,
    // Some SLAs ran out, some are at risk, most have time left; a few share a due time to test ties.
    slaDueAt: NOW + ((i % 9) - 3) * 10 * 60_000,
    createdAt: NOW - 3_600_000 - (i % 5) * 60_000,
    status: i % 11 === 0 ? 'posted' : OPEN[i % 3],
    text: i % 3 === 0 ? `where is my Refund, order ${i}` : i % 7 === 0 ? `refunded twice? ${i}` : `a late bag ${i}`,
  }));
  await seedItems(app.ctx.db, seeds);
  // Drafts a person edited are searched too: two items match only there. Earshot's own draft
  // (not edited) is not: q004 does not match by its draft.
  await app.ctx.db.query(
    `UPDATE inbox_items SET draft = 'We have sent your refund today.', draft_edited = true WHERE id IN ('q001', 'q002')`,
  );
  await app.ctx.db.query(`UPDATE inbox_items SET draft = 'Your refund is on its way.' WHERE id = 'q004'`);
});

afterAll(async () => {
  await app?.close();
});

async function walk(f: Omit<QueueFilter, 'limit' | 'cursor'>): Promise<{ ids: string[]; totals: number[]; exact: boolean[] }> {
  const ids: string[] = [];
  const totals: number[] = [];
  const exact: boolean[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 100; n += 1) {
    const page = await queuePage(app.ctx.db, { ...f, limit: 7, cursor });
    ids.push(...page.rows.map((r) => r.item.id));
    totals.push(page.total);
    exact.push(page.totalExact);
    if (!page.next) break;
    cursor = page.next;
  }
  return { ids, totals, exact };
}

/** Items whose post matches, or whose edited draft contains the text. */
async function matchingIds(post: RegExp, q: string): Promise<Set<string>> {
  const { rows } = await app.ctx.db.query<{ id: string; text: string; draft: string; draft_edited: boolean }>(
    'SELECT i.id, m.text, i.draft, i.draft_edited FROM inbox_items i JOIN mentions m ON m.id = i.id',
  );
  return new Set(rows.filter((r) => post.test(r.text) || (r.draft_edited && r.draft.toLowerCase().includes(q))).map((r) => r.id));
}

describe('the queue filtered by text', () => {
  // Tiers as on the search page: the word, else words starting so, else the text anywhere.
  const CASES: Array<{ q: string; post: RegExp }> = [
    { q: 'refund', post: /\brefund\b/i },
    { q: 'refunde', post: /\brefunde/i },
    { q: 'efund', post: /efund/i },
  ];

  it.each(CASES)(
    'pages through the matches of "$q" in the queue order, each once, with the exact total on every page',
    async ({ q, post }) => {
      const all = await walk({ statuses: OPEN, now: NOW });
      const matching = await matchingIds(post, q);
      const expected = all.ids.filter((id) => matching.has(id));
      expect(expected.length).toBeGreaterThan(15);
      const got = await walk({ statuses: OPEN, now: NOW, q });
      expect(got.ids).toEqual(expected);
      expect(new Set(got.totals)).toEqual(new Set([expected.length]));
      expect(new Set(got.exact)).toEqual(new Set([true]));
    },
  );

  // More matching posts than are listed from the indexes: the queue is read in its order and
  // each item's post tested; the same pages, with an estimated total.
  it.each(CASES)('pages through the common matches of "$q" the same way, with an estimated total', async ({ q, post }) => {
    const all = await walk({ statuses: OPEN, now: NOW });
    const matching = await matchingIds(post, q);
    const expected = all.ids.filter((id) => matching.has(id));
    const got = await walk({ statuses: OPEN, now: NOW, q, textTuning: { collectMax: 5 } });
    expect(got.ids).toEqual(expected);
    expect(new Set(got.exact)).toEqual(new Set([false]));
    for (const total of got.totals) expect(total).toBeGreaterThan(0);
  });

  it('gives an exact total when one page holds every common match', async () => {
    const page = await queuePage(app.ctx.db, { statuses: OPEN, now: NOW, q: 'refund', limit: 500, textTuning: { collectMax: 5 } });
    const matching = await matchingIds(/\brefund\b/i, 'refund');
    expect(page.totalExact).toBe(true);
    expect(page.total).toBe(page.rows.length);
    expect(page.rows.map((r) => r.item.id).every((id) => matching.has(id))).toBe(true);
  });

  it('combines the text with the other filters', async () => {
    const urgent = await walk({ statuses: ['new'], priority: 'urgent', now: NOW });
    const got = await walk({ statuses: ['new'], priority: 'urgent', now: NOW, q: 'refund' });
    const texts = new Map(
      (await app.ctx.db.query<{ id: string; text: string }>('SELECT id, text FROM mentions')).rows.map((r) => [r.id, r.text]),
    );
    expect(got.ids).toEqual(urgent.ids.filter((id) => /\brefund\b/i.test(texts.get(id) ?? '') || id === 'q001' || id === 'q002'));
    expect(got.ids.length).toBeGreaterThan(3);
  });
});
