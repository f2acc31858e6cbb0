import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCorrection } from '../src/store/corrections.js';
import { queuePage } from '../src/store/inbox-queue.js';
import type { QueueFilter } from '../src/store/queue-filter.js';
import { transition } from '../src/store/inbox.js';
import { pruneExpired } from '../src/store/mentions.js';
import { testApp, type TestApp } from './helpers/app.js';
import { seedMention } from './helpers/seed.js';
import { nth } from './helpers/present.js';

const OPEN = ['new', 'assigned', 'awaiting_second', 'approved', 'publishing', 'needs_check', 'failed'];
let app: TestApp;

/** The filters the inbox offers, alone and combined, each checked against a plain count. */
const FILTERS: Array<Omit<QueueFilter, 'limit' | 'statuses'> & { statuses?: string[] }> = [
  {},
  { statuses: ['new'] },
  { statuses: ['assigned'], assignee: 'ann' },
  { statuses: ['posted', 'rejected'] },
  { priority: 'urgent' },
  { source: 'b' },
  { category: 'billing_refund' },
  { category: 'delay_cancellation', source: 'a' },
  { language: 'en', priority: 'normal' },
  { assignee: 'bob' },
  { brand: 'acme', source: 'a', priority: 'urgent' },
  { includeSnoozed: true },
  { includeSnoozed: true, source: 'b' },
];

/** The same filter as a plain count over the items: what the kept counts must always equal. */
async function counted(f: (typeof FILTERS)[number], now: number): Promise<number> {
  const clauses = ['status = ANY($1)'];
  const params: unknown[] = [f.statuses ?? OPEN];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (!f.includeSnoozed) add('(snoozed_until IS NULL OR snoozed_until <= ?)', now);
  if (f.priority) add('rank = ?', f.priority === 'urgent' ? 0 : 1);
  if (f.brand) add('brand_id = ?', f.brand);
  if (f.source) add('source_id = ?', f.source);
  if (f.category) add('category = ?', f.category);
  if (f.language) add('language = ?', f.language);
  if (f.assignee) add('assignee = ?', f.assignee);
  const { rows } = await app.ctx.db.query<{ n: number }>(
    `SELECT count(*)::bigint AS n FROM inbox_items WHERE ${clauses.join(' AND ')}`,
    params,
  );
  return rows[0]?.n ?? 0;
}

async function expectTotalsRight(step: string): Promise<void> {
  const now = Date.now();
  for (const f of FILTERS) {
    const page = await queuePage(app.ctx.db, { ...f, statuses: f.statuses ?? OPEN, limit: 5, now });
    expect(page.total, `${step}: ${JSON.stringify(f)}`).toBe(await counted(f, now));
  }
}

const move = (id: string, from: string[], set: Record<string, string | number>) =>
  transition(app.ctx, id, { from: from as never, set, actor: 'ann', action: 'test.move' });

beforeAll(async () => {
  app = await testApp();
});

afterAll(async () => {
  await app?.close();
});

describe('queue totals kept in inbox_counts', () => {
  it('stay exact through routing, moves, assignment, snoozes, corrections, concurrent changes and retention', async () => {
    const categories = ['billing_refund', 'delay_cancellation', 'other'] as const;
    const ids: string[] = [];
    for (let i = 0; i < 36; i += 1) {
      const m = await seedMention(app.ctx, {
        nativeId: `c${i}`,
        sourceId: i % 3 === 0 ? 'b' : 'a',
        priority: i % 4 === 0 ? 'urgent' : 'normal',
        category: categories[i % 3],
        createdAt: Date.now() - i * 60_000,
      });
      ids.push(m.id);
    }
    await expectTotalsRight('after routing');

    // Assigning, a draft edit (no counted column changes), approval and rejection.
    for (const id of ids.slice(0, 8))
      expect((await move(id, ['new'], { status: 'assigned', assignee: id < nth(ids, 4) ? 'ann' : 'bob' })).ok).toBe(true);
    expect((await move(nth(ids, 8), ['new'], { draft: 'edited', draftVersion: 2 })).ok).toBe(true);
    expect((await move(nth(ids, 9), ['new'], { status: 'posted', postedAt: Date.now() })).ok).toBe(true);
    expect((await move(nth(ids, 10), ['new'], { status: 'rejected', rejectReason: 'spam' })).ok).toBe(true);
    await expectTotalsRight('after moves');

    // Snoozed for an hour, and a snooze that has already run out.
    expect((await move(nth(ids, 11), ['new'], { snoozedUntil: Date.now() + 3_600_000 })).ok).toBe(true);
    expect((await move(nth(ids, 12), ['new'], { snoozedUntil: Date.now() - 1_000 })).ok).toBe(true);
    expect((await move(nth(ids, 0), ['assigned'], { snoozedUntil: Date.now() + 3_600_000 })).ok).toBe(true);
    await expectTotalsRight('after snoozes');

    // A responder's correction changes the category; many moves at once from several connections.
    await applyCorrection(app.ctx.db, nth(ids, 13), { category: 'billing_refund' }, null);
    const racing = ids
      .slice(14, 30)
      .map((id, k) => move(id, ['new'], k % 2 ? { status: 'needs_check' } : { status: 'assigned', assignee: 'bob', priority: 'urgent' }));
    expect((await Promise.all(racing)).every((r) => r.ok)).toBe(true);
    // One statement moving many items at once, as a bulk action would.
    await app.ctx.db.query(`UPDATE inbox_items SET status = 'new', assignee = NULL WHERE status = 'needs_check'`);
    await expectTotalsRight('after corrections and concurrent moves');

    // Retention deletes the mentions; their items go by cascade and leave the counts.
    await app.ctx.db.query('UPDATE mentions SET stored_at = 0 WHERE id = ANY($1)', [ids.slice(0, 10)]);
    expect(await pruneExpired(app.ctx.db, 1)).toBe(10);
    await expectTotalsRight('after retention');
    const all = await queuePage(app.ctx.db, { statuses: OPEN, limit: 100, includeSnoozed: true });
    expect(all.total).toBe(all.rows.length);
  });
});
