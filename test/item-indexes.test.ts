import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../src/postgres/pool.js';
import { ensureDatabase } from '../src/store/admin.js';
import { queuePage } from '../src/store/inbox-queue.js';
import { migrate } from '../src/store/migrate.js';
import { MIGRATIONS } from '../src/store/sql/migrations.js';
import { testDatabaseUrl } from './helpers/db.js';
import { seedItems } from './helpers/queue-seed.js';

/**
 * Migration 17 drops the second queue order index and hashes the near-duplicate key index. The
 * database starts at schema 16 with items in it, as an installation upgrading does.
 */
let db: Db;
const NOW = Date.UTC(2026, 5, 1, 12);

beforeAll(async () => {
  const server = (await testDatabaseUrl('item-indexes-probe')).replace(/\/[^/]+$/, '/postgres');
  await ensureDatabase(server, 'earshot_item_indexes');
  db = createPool(server.replace(/\/postgres$/, '/earshot_item_indexes'), { max: 2 });
  await db.query(
    'CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  for (const m of MIGRATIONS.filter((m) => m.version <= 16)) {
    await db.query(m.sql);
    await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
  }
  await seedItems(db, [
    { id: 'lead', dupKey: 'k1', slaDueAt: NOW - 60_000 },
    { id: 'dup1', dupKey: 'k1', dupOf: 'lead', slaDueAt: NOW + 3_600_000 },
    { id: 'other', dupKey: 'k2', slaDueAt: NOW + 7_200_000 },
  ]);
  expect(await migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 16).map((m) => m.version));
});

afterAll(async () => {
  await db?.end();
});

describe('item indexes after migration 17', () => {
  it('keeps one queue order index and an index on the near-duplicate key', async () => {
    const { rows } = await db.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'inbox_items'`,
    );
    const names = rows.map((r) => r.indexname);
    expect(names).not.toContain('inbox_queue');
    expect(names).toContain('inbox_queue_cover');
    // Migration 25 made it a B-tree over the key's hash (index-diet.test.ts).
    expect(rows.find((r) => r.indexname === 'inbox_dup_key')?.indexdef).toMatch(
      /\(earshot_dup_hash\(dup_key\)\) WHERE \(dup_key IS NOT NULL\)/,
    );
  });

  it('reads the upgraded queue in order, at risk first, with its groups', async () => {
    const page = await queuePage(db, { statuses: ['new'], limit: 10, now: NOW, collapse: true });
    expect(page.rows.map((r) => [r.item.id, r.similar])).toEqual([
      ['lead', 1],
      ['other', 0],
    ]);
    expect(page.total).toBe(3);
    const group = await queuePage(db, { statuses: ['new'], limit: 10, now: NOW, similarTo: 'lead' });
    expect(group.rows.map((r) => r.item.id)).toEqual(['lead', 'dup1']);
  });
});
