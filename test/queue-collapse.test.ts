import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/postgres/pool.js';
import { queuePage } from '../src/store/inbox-queue.js';
import { where, type QueueFilter } from '../src/store/queue-filter.js';
import { testDb } from './helpers/db.js';
import { seedItems, type ItemSeed } from './helpers/queue-seed.js';

/**
 * The collapsed queue (one row per near-duplicate group) with filters and many groups: a member
 * is hidden only while its lead is shown by the same filter, and the check is a probe of the
 * lead, never a hash over every item the filter matches.
 */
let db: Db;
const NOW = Date.UTC(2026, 5, 1, 12);
const N = 1_200;

// Blocks of four: a lead, two members of its group, one item on its own. Every third lead is
// in another category than its members, so with a category filter those members show.
const seeds: ItemSeed[] = Array.from({ length: N }, (_, i) => {
  const block = i - (i % 4);
  const role = i % 4;
  const lead = `c${String(block).padStart(5, '0')}`;
  return {
    id: `c${String(i).padStart(5, '0')}`,
    urgency: (i * 37) % 100,
    slaDueAt: NOW + 3_600_000 + (i % 9) * 60_000,
    createdAt: NOW - 7_200_000 + i * 1_000,
    sourceId: i % 2 === 0 ? 'live' : 'masto',
    category: role === 0 && block % 12 === 0 ? 'other' : 'lost_damaged_item',
    dupOf: role === 1 || role === 2 ? lead : null,
    text: `bag ${i}`,
  };
});

beforeAll(async () => {
  db = await testDb('queue-collapse');
  await seedItems(db, seeds);
  await db.query('ANALYZE inbox_items');
});

afterAll(async () => {
  await db?.end();
});

async function allPages(f: Omit<QueueFilter, 'limit' | 'cursor'>): Promise<{ ids: string[]; totals: number[] }> {
  const ids: string[] = [];
  const totals: number[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 100; n += 1) {
    const page = await queuePage(db, { ...f, limit: 37, cursor });
    ids.push(...page.rows.map((r) => r.item.id));
    totals.push(page.total);
    if (!page.next) break;
    cursor = page.next;
  }
  return { ids, totals };
}

/** What the collapsed queue must show: every item the filter matches, except members whose lead it also matches. */
function expected(match: (s: ItemSeed) => boolean): string[] {
  const byId = new Map(seeds.map((s) => [s.id, s]));
  return seeds
    .filter((s) => match(s) && !(s.dupOf && match(byId.get(s.dupOf) as ItemSeed)))
    .map((s) => s.id)
    .sort();
}

describe('the collapsed queue with many groups', () => {
  it('shows each item the filter matches once, members only when the filter hides their lead, with the total of every match', async () => {
    const filters: Array<[Partial<QueueFilter>, (s: ItemSeed) => boolean]> = [
      [{}, () => true],
      [{ category: 'lost_damaged_item' }, (s) => s.category === 'lost_damaged_item'],
      [{ source: 'live', category: 'lost_damaged_item', fewItems: 0 }, (s) => s.sourceId === 'live' && s.category === 'lost_damaged_item'],
      [{ source: 'live', category: 'lost_damaged_item' }, (s) => s.sourceId === 'live' && s.category === 'lost_damaged_item'],
    ];
    for (const [f, match] of filters) {
      const { ids, totals } = await allPages({ statuses: ['new'], now: NOW, collapse: true, ...f });
      expect([...ids].sort()).toEqual(expected(match));
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(totals)).toEqual(new Set([seeds.filter(match).length]));
    }
  });

  it('probes each member’s lead instead of hashing every matching item', async () => {
    const f: QueueFilter = { statuses: ['new'], limit: 100, now: NOW, collapse: true, category: 'lost_damaged_item' };
    const w = where(f, null);
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT i.id FROM ${w.from} WHERE ${w.sql}`, w.params);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('SubPlan');
    expect(plan).not.toMatch(/hashed SubPlan/);
  });
});
