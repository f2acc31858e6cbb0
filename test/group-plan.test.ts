import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { Db } from '../src/postgres/pool.js';
import { CREATE, createItems, createParams, lockGroups, type NewItem } from '../src/store/inbox.js';
import type { StoreKeys } from '../src/store/keys.js';
import { testDb } from './helpers/db.js';
import { seedItems } from './helpers/queue-seed.js';
import { waitFor } from './helpers/wait.js';

/**
 * Item creation puts each new item with a near-duplicate key into its group as it writes it.
 * In a one-brand installation whose statistics still say the brand is rare (a table that grew
 * since the last ANALYZE, as in the first hours of a busy source), the planner ANDed the key's
 * index with the brand's and read every item of the brand per new item. The lookup must go by
 * the key alone.
 */
let db: Db;
const batch = Array.from({ length: 74 }, (_, i) => `new${String(i).padStart(3, '0')}`);
const NOW = Date.UTC(2026, 5, 1, 12);

function newItem(id: string, dupKey: string | null): NewItem {
  return {
    id,
    brandId: 'acme',
    sourceId: 'seed',
    platform: 'mastodon',
    priority: 'normal',
    urgency: 40,
    category: 'other',
    sentiment: 'negative',
    language: 'en',
    createdAt: NOW - 60_000,
    slaDueAt: NOW + 3_600_000,
    draft: 'Hi, sorry about that.',
    draftTemplate: 'default',
    draftWarnings: [],
    dupKey,
  };
}
const locked = ['lock-a', 'lock-b', 'lock-c'];
const items = batch.map((id, i) => newItem(id, i < 70 ? `k${i * 7}` : `fresh${i % 2}`));

beforeAll(async () => {
  db = await testDb('group-plan', 2);
  await db.query('ALTER TABLE inbox_items SET (autovacuum_enabled = false)');
  const old = Array.from({ length: 3000 }, (_, i) => ({ id: `old${String(i).padStart(4, '0')}`, dupKey: `k${i % 1500}` }));
  // The batch's mentions exist (items are created for stored mentions only); its items do not yet.
  await seedItems(db, [...old, ...[...batch, ...locked].map((id) => ({ id }))]);
  await db.query('DELETE FROM inbox_items WHERE id = ANY($1)', [[...batch, ...locked]]);
  // Statistics taken while every item had a brand of its own; then all of them become one brand's.
  await db.query("UPDATE inbox_items SET brand_id = 'b-' || id");
  await db.query('ANALYZE inbox_items');
  await db.query("UPDATE inbox_items SET brand_id = 'acme'");
});

afterAll(async () => {
  await db?.end();
});

describe('near-duplicate grouping at item creation', () => {
  it('finds the leads by the key index alone, whatever the statistics say about the brand', async () => {
    await db.query('BEGIN');
    try {
      const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${CREATE}`, createParams(items, NOW));
      const plan = JSON.stringify(rows[0]?.['QUERY PLAN']);
      expect(plan).toContain('"Index Name":"inbox_dup_key"');
      expect(plan).not.toContain('inbox_brand');
    } finally {
      await db.query('ROLLBACK');
    }
  });

  it('groups each new item under the first open lead of its key (routed first, then by id), or the first of its batch', async () => {
    const s = { db, redis: { publish: async () => 0 } as unknown as Redis, keys: { inbox: 'test:inbox' } as StoreKeys };
    expect(await createItems(s, items)).toEqual(batch);
    const { rows } = await db.query<{ id: string; dup_of: string | null }>(
      'SELECT id, dup_of FROM inbox_items WHERE id = ANY($1) ORDER BY id',
      [[...batch.slice(0, 3), ...batch.slice(70)]],
    );
    expect(rows).toEqual([
      { id: 'new000', dup_of: 'old0000' },
      { id: 'new001', dup_of: 'old0007' },
      { id: 'new002', dup_of: 'old0014' },
      { id: 'new070', dup_of: null },
      { id: 'new071', dup_of: null },
      { id: 'new072', dup_of: 'new070' },
      { id: 'new073', dup_of: 'new071' },
    ]);
    // Created once: a second run creates nothing and moves no group.
    expect(await createItems(s, items)).toEqual([]);
  });

  it('makes a batch wait for another only when they share a key', async () => {
    const s = { db, redis: { publish: async () => 0 } as unknown as Redis, keys: { inbox: 'test:inbox' } as StoreKeys };
    // Another batch's transaction, stopped while it holds the group of key "shared".
    const other = await testDb('group-plan', 2);
    const holder = await other.connect();
    try {
      await holder.query('BEGIN');
      await lockGroups(holder, ['shared']);
      // Neither a batch of other keys nor one without keys waits for it (one lock for every key did).
      expect(await createItems(s, [newItem('lock-a', 'elsewhere')])).toEqual(['lock-a']);
      expect(await createItems(s, [newItem('lock-b', null)])).toEqual(['lock-b']);
      const waiting = createItems(s, [newItem('lock-c', 'shared')]);
      await waitFor('the batch with the shared key to wait for its group', async () => {
        const { rows } = await other.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
        );
        return (rows[0]?.n ?? 0) > 0;
      });
      await holder.query('COMMIT');
      expect(await waiting).toEqual(['lock-c']);
    } finally {
      holder.release();
      await other.end();
    }
  });
});
