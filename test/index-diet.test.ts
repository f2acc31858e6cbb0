import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createPool, type Db } from '../src/postgres/pool.js';
import { ensureDatabase } from '../src/store/admin.js';
import { CREATE, createItems, createParams, type NewItem } from '../src/store/inbox.js';
import type { StoreKeys } from '../src/store/keys.js';
import { migrate } from '../src/store/migrate.js';
import { searchMentions } from '../src/store/search.js';
import { spikeItemCandidates } from '../src/store/spikes.js';
import { MIGRATIONS } from '../src/store/sql/migrations.js';
import { testDatabaseUrl } from './helpers/db.js';
import { seedItems } from './helpers/queue-seed.js';

/**
 * Migration 25 swaps three indexes for smaller ones on an installation that has data: the item
 * time index becomes BRIN, the near-duplicate key's a B-tree over its hash, the two author
 * trigram indexes one. The database starts at schema 24 with items, keys and authors in it.
 */
let db: Db;
const NOW = Date.UTC(2026, 5, 1, 12);
const HOUR = 3_600_000;
const HEX = 'aa'.repeat(16);
/** Items written out of time order, as a backfill writes them. */
const HOURS_AGO = [5, 1, 9, 3, 7, 2, 8, 4, 6];

function newItem(id: string, dupKey: string): NewItem {
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
    slaDueAt: NOW + HOUR,
    draft: 'Hi, sorry about that.',
    draftTemplate: 'default',
    draftWarnings: [],
    dupKey,
  };
}

beforeAll(async () => {
  const server = (await testDatabaseUrl('index-diet-probe')).replace(/\/[^/]+$/, '/postgres');
  await ensureDatabase(server, 'earshot_index_diet');
  db = createPool(server.replace(/\/postgres$/, '/earshot_index_diet'), { max: 2 });
  await db.query(
    'CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  for (const m of MIGRATIONS.filter((m) => m.version <= 24)) {
    await db.query(m.sql);
    await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
  }
  await seedItems(db, [
    { id: 'lead-hex', dupKey: HEX, createdAt: NOW - 10 * HOUR, author: 'skyhopper1' },
    { id: 'lead-text', dupKey: 'k1', createdAt: NOW - 10 * HOUR, author: 'skyhopper2' },
    ...HOURS_AGO.map((h) => ({ id: `at-${h}`, dupKey: `other${h}`, createdAt: NOW - h * HOUR, author: `skyhopper${h + 10}` })),
    { id: 'new-hex' },
    { id: 'new-text' },
  ]);
  // The items of the last two are created below, through the store, for mentions that exist.
  await db.query("DELETE FROM inbox_items WHERE id LIKE 'new-%'");
  await db.query(
    `INSERT INTO authors (platform, native_id, handle, name)
     SELECT 'mastodon', author_id, author_id || '@air.example', 'Flyer ' || substr(author_id, 10) FROM mentions GROUP BY author_id`,
  );
  expect(await migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 24).map((m) => m.version));
});

afterAll(async () => {
  await db?.end();
});

describe('the index diet (migration 25) on a store with data', () => {
  it('replaces the three indexes with their smaller forms', async () => {
    const { rows } = await db.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('inbox_items', 'authors')`,
    );
    const def = (name: string) => rows.find((r) => r.indexname === name)?.indexdef ?? 'missing';
    expect(def('inbox_created')).toMatch(/USING brin \(created_at\)/);
    expect(def('inbox_dup_key')).toMatch(/USING btree \(earshot_dup_hash\(dup_key\)\) WHERE \(dup_key IS NOT NULL\)/);
    expect(def('authors_trgm')).toContain("USING gin ((((handle || ' '::text) || name)) gin_trgm_ops)");
    expect(rows.map((r) => r.indexname)).not.toContain('authors_handle_trgm');
    expect(rows.map((r) => r.indexname)).not.toContain('authors_name_trgm');
  });

  it('groups new items under the leads of their keys, found by the hashed key index', async () => {
    const items = [newItem('new-hex', HEX), newItem('new-text', 'k1')];
    await db.query('BEGIN');
    try {
      await db.query('SET LOCAL enable_seqscan = off');
      const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${CREATE}`, createParams(items, NOW));
      // Looked up by the hash (the index's condition), not read whole with the key tested on each row.
      const plan = JSON.stringify(rows[0]?.['QUERY PLAN']);
      expect(plan).toContain('"Index Name":"inbox_dup_key"');
      expect(plan).toMatch(/"Index Cond":"\(hashtextextended\(encode\(dup_key, 'hex'::text\), '0'::bigint\) = /);
    } finally {
      await db.query('ROLLBACK');
    }
    const s = { db, redis: { publish: async () => 0 } as unknown as Redis, keys: { inbox: 'test:inbox' } as StoreKeys };
    expect(await createItems(s, items)).toEqual(['new-hex', 'new-text']);
    const { rows } = await db.query<{ id: string; dup_of: string | null }>(
      "SELECT id, dup_of FROM inbox_items WHERE id LIKE 'new-%' ORDER BY id",
    );
    expect(rows).toEqual([
      { id: 'new-hex', dup_of: 'lead-hex' },
      { id: 'new-text', dup_of: 'lead-text' },
    ]);
  });

  it('finds posts by a handle or a name through one trigram index, and never by text that only spans the two', async () => {
    const byHandle = await searchMentions(db, { q: 'skyhopper13@air', limit: 10 });
    expect(byHandle.hits.map((h) => h.stored.mention.id)).toEqual(['at-3']);
    const byName = await searchMentions(db, { q: 'Flyer 13', limit: 10 });
    expect(byName.hits.map((h) => h.stored.mention.id)).toEqual(['at-3']);
    // "…@air.example Flyer 13" is in the indexed pair, in neither field.
    expect((await searchMentions(db, { q: 'example Flyer', limit: 10 })).hits).toEqual([]);
    // A table this small is read whole; with scans off, the plan shows the index the condition can use.
    await db.query('BEGIN');
    try {
      await db.query('SET LOCAL enable_seqscan = off');
      const { rows } = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT platform, native_id FROM authors WHERE (handle || ' ' || name) ILIKE '%skyhopper13@air%'
         AND (handle ILIKE '%skyhopper13@air%' OR name ILIKE '%skyhopper13@air%')`,
      );
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('authors_trgm');
    } finally {
      await db.query('ROLLBACK');
    }
  });

  it('reads a time range of items written out of time order, oldest first', async () => {
    await db.query('ANALYZE inbox_items');
    const got = await spikeItemCandidates(db, 'acme', NOW - 6.5 * HOUR, NOW - 1.5 * HOUR);
    expect(got.map((r) => r.id)).toEqual(['at-6', 'at-5', 'at-4', 'at-3', 'at-2']);
  });
});
