import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuePage } from '../src/store/inbox-queue.js';
import type { QueueFilter } from '../src/store/queue-filter.js';
import { testApp, type TestApp } from './helpers/app.js';
import { seedItems, type ItemSeed } from './helpers/queue-seed.js';

/**
 * A filtered queue is answered two ways (inbox-queue.ts): a filter whose counted items are few
 * has them all sorted; a larger one walks the queue segment by segment. Both must give the
 * unfiltered queue's order restricted to the filter, the same exact total, and cursors that
 * page across the urgent/normal boundary; a filter the counts say is empty answers nothing.
 */
let app: TestApp;
const NOW = Date.UTC(2026, 5, 1, 12);
const OPEN = ['new', 'assigned'];
const SOURCES = ['live', 'masto', 'rss', 'x'];
const CATEGORIES = ['billing_refund', 'question', 'praise', 'other', 'staff_service'];

beforeAll(async () => {
  app = await testApp();
  const seeds: ItemSeed[] = Array.from({ length: 300 }, (_, i) => ({
    id: `f${String(i).padStart(3, '0')}`,
    priority: i % 3 === 0 ? 'urgent' : 'normal',
    urgency: (i * 41) % 100,
    slaDueAt: NOW + ((i % 9) - 3) * 10 * 60_000,
    createdAt: NOW - 3_600_000 - (i % 6) * 60_000,
    status: i % 13 === 0 ? 'posted' : OPEN[i % 2],
    sourceId: SOURCES[i % 4],
    category: CATEGORIES[i % 5],
    text: i % 4 === 0 ? `refund please ${i}` : `hello ${i}`,
  }));
  await seedItems(app.ctx.db, seeds);
});

afterAll(async () => {
  await app?.close();
});

async function walk(f: Omit<QueueFilter, 'limit' | 'cursor'>): Promise<{ ids: string[]; totals: number[]; exact: boolean[] }> {
  const out = { ids: [] as string[], totals: [] as number[], exact: [] as boolean[] };
  let cursor: string | undefined;
  for (let n = 0; n < 100; n += 1) {
    const page = await queuePage(app.ctx.db, { ...f, limit: 6, cursor });
    out.ids.push(...page.rows.map((r) => r.item.id));
    out.totals.push(page.total);
    out.exact.push(page.totalExact);
    if (!page.next) break;
    cursor = page.next;
  }
  return out;
}

async function rowsOf(): Promise<Map<string, { source: string; category: string; priority: string; text: string }>> {
  const { rows } = await app.ctx.db.query<{ id: string; source_id: string; category: string; priority: string; text: string }>(
    "SELECT i.id, i.source_id, i.category, CASE WHEN i.rank = 0 THEN 'urgent' ELSE 'normal' END AS priority, m.text FROM inbox_items i JOIN mentions m ON m.id = i.id",
  );
  return new Map(rows.map((r) => [r.id, { source: r.source_id, category: r.category, priority: r.priority, text: r.text }]));
}

describe('a filtered queue, sorted when its items are few and walked when they are many', () => {
  const FILTERS: Array<{
    what: string;
    f: Partial<QueueFilter>;
    keep: (r: { source: string; category: string; priority: string }) => boolean;
  }> = [
    { what: 'a source', f: { source: 'live' }, keep: (r) => r.source === 'live' },
    {
      what: 'a source and a category',
      f: { source: 'masto', category: 'question' },
      keep: (r) => r.source === 'masto' && r.category === 'question',
    },
    {
      what: 'urgent items of a category',
      f: { priority: 'urgent', category: 'praise' },
      keep: (r) => r.priority === 'urgent' && r.category === 'praise',
    },
  ];

  it.each(FILTERS)('gives $what in the queue order both ways, paging across the tiers, with the exact total', async ({ f, keep }) => {
    const rows = await rowsOf();
    const all = await walk({ statuses: OPEN, now: NOW });
    const expected = all.ids.filter((id) => {
      const r = rows.get(id);
      return r !== undefined && keep(r);
    });
    expect(expected.length).toBeGreaterThan(12);
    // Both tiers are on the pages (unless the filter keeps one), so a cursor crosses from urgent to normal.
    const tiers = new Set(expected.map((id) => rows.get(id)?.priority));
    expect(tiers.size).toBe(f.priority ? 1 : 2);
    for (const fewItems of [0, 10_000]) {
      const got = await walk({ statuses: OPEN, now: NOW, ...f, fewItems });
      expect(got.ids).toEqual(expected);
      expect(new Set(got.totals)).toEqual(new Set([expected.length]));
      expect(new Set(got.exact)).toEqual(new Set([true]));
    }
  });

  it('answers a filter that holds no items with an empty page and a total of 0', async () => {
    const page = await queuePage(app.ctx.db, { statuses: OPEN, now: NOW, limit: 6, source: 'live', category: 'nothing_here' });
    expect(page).toEqual({ rows: [], total: 0, totalExact: true, next: null });
  });

  it('combines a common text with a filter both ways, counting the few items exactly', async () => {
    const rows = await rowsOf();
    const all = await walk({ statuses: OPEN, now: NOW });
    const expected = all.ids.filter((id) => rows.get(id)?.source === 'live' && /\brefund\b/.test(rows.get(id)?.text ?? ''));
    expect(expected.length).toBeGreaterThan(6);
    const f = { statuses: OPEN, now: NOW, source: 'live', q: 'refund', textTuning: { collectMax: 3 } };
    const walked = await walk({ ...f, fewItems: 0 });
    const sorted = await walk({ ...f, fewItems: 10_000 });
    expect(walked.ids).toEqual(expected);
    expect(sorted.ids).toEqual(expected);
    expect(new Set(walked.exact)).toEqual(new Set([false]));
    expect(new Set(sorted.totals)).toEqual(new Set([expected.length]));
    expect(new Set(sorted.exact)).toEqual(new Set([true]));
  });
});
