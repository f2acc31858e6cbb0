import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuePage, type QueueFilter } from '../src/store/inbox-queue.js';
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
  // The draft is searched too: two items match only there.
  await app.ctx.db.query(`UPDATE inbox_items SET draft = 'We have sent your refund today.' WHERE id IN ('q001', 'q002')`);
});

afterAll(async () => {
  await app?.close();
});

async function walk(f: Omit<QueueFilter, 'limit' | 'cursor'>): Promise<{ ids: string[]; totals: number[] }> {
  const ids: string[] = [];
  const totals: number[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 100; n += 1) {
    const page = await queuePage(app.ctx.db, { ...f, limit: 7, cursor });
    ids.push(...page.rows.map((r) => r.item.id));
    totals.push(page.total);
    if (!page.next) break;
    cursor = page.next;
  }
  return { ids, totals };
}

describe('the queue filtered by text', () => {
  // Tiers as on the search page: the word, else words starting so, else the text anywhere.
  const CASES: Array<{ q: string; post: RegExp }> = [
    { q: 'refund', post: /\brefund\b/i },
    { q: 'refunde', post: /\brefunde/i },
    { q: 'efund', post: /efund/i },
  ];

  it.each(CASES)('pages through the matches of "$q" in the queue order, each once, with the exact total on every page', async ({ q, post }) => {
    const all = await walk({ statuses: OPEN, now: NOW });
    const { rows } = await app.ctx.db.query<{ id: string; text: string; draft: string }>('SELECT i.id, m.text, i.draft FROM inbox_items i JOIN mentions m ON m.id = i.id');
    const matching = new Set(rows.filter((r) => post.test(r.text) || r.draft.toLowerCase().includes(q)).map((r) => r.id));
    const expected = all.ids.filter((id) => matching.has(id));
    expect(expected.length).toBeGreaterThan(15);
    const got = await walk({ statuses: OPEN, now: NOW, q });
    expect(got.ids).toEqual(expected);
    expect(new Set(got.totals)).toEqual(new Set([expected.length]));
  });

  it('combines the text with the other filters', async () => {
    const urgent = await walk({ statuses: ['new'], priority: 'urgent', now: NOW });
    const got = await walk({ statuses: ['new'], priority: 'urgent', now: NOW, q: 'refund' });
    const texts = new Map((await app.ctx.db.query<{ id: string; text: string }>('SELECT id, text FROM mentions')).rows.map((r) => [r.id, r.text]));
    expect(got.ids).toEqual(urgent.ids.filter((id) => /\brefund\b/i.test(texts.get(id) ?? '') || id === 'q001' || id === 'q002'));
    expect(got.ids.length).toBeGreaterThan(3);
  });
});
