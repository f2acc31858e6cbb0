import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/postgres/pool.js';
import { CLOSED_STATUSES, GROUP } from '../src/store/inbox.js';
import { testDb } from './helpers/db.js';
import { seedItems } from './helpers/queue-seed.js';

/**
 * Grouping near-duplicates looks each new item's key up. In a one-brand installation whose
 * statistics still say the brand is rare (a table that grew since the last ANALYZE, as in the
 * first hours of a busy source), the planner ANDed the key's index with the brand's and read
 * every item of the brand per new item. The lookup must go by the key alone.
 */
let db: Db;
const batch = Array.from({ length: 74 }, (_, i) => `new${String(i).padStart(3, '0')}`);

beforeAll(async () => {
  db = await testDb('group-plan', 2);
  await db.query('ALTER TABLE inbox_items SET (autovacuum_enabled = false)');
  const old = Array.from({ length: 3000 }, (_, i) => ({ id: `old${String(i).padStart(4, '0')}`, dupKey: `k${i % 1500}` }));
  await seedItems(db, [...old, ...batch.map((id, i) => ({ id, dupKey: `k${i * 7}` }))]);
  // Statistics taken while every item had a brand of its own; then all of them become one brand's.
  await db.query("UPDATE inbox_items SET brand_id = 'b-' || id");
  await db.query('ANALYZE inbox_items');
  await db.query("UPDATE inbox_items SET brand_id = 'acme'");
});

afterAll(async () => {
  await db?.end();
});

describe('near-duplicate grouping', () => {
  it('finds the leads by the key index alone, whatever the statistics say about the brand', async () => {
    await db.query('BEGIN');
    try {
      const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${GROUP}`, [batch, CLOSED_STATUSES]);
      const plan = JSON.stringify(rows[0]?.['QUERY PLAN']);
      expect(plan).toContain('"Index Name":"inbox_dup_key"');
      expect(plan).not.toContain('inbox_brand');
    } finally {
      await db.query('ROLLBACK');
    }
  });

  it('still groups each new item under the first open lead of its key (routed first, then by id)', async () => {
    await db.query(GROUP, [batch, CLOSED_STATUSES]);
    const { rows } = await db.query<{ id: string; dup_of: string | null }>(
      'SELECT id, dup_of FROM inbox_items WHERE id = ANY($1) ORDER BY id',
      [batch.slice(0, 3)],
    );
    expect(rows).toEqual([
      { id: 'new000', dup_of: 'old0000' },
      { id: 'new001', dup_of: 'old0007' },
      { id: 'new002', dup_of: 'old0014' },
    ]);
  });
});
