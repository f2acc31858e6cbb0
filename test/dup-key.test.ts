import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../src/postgres/pool.js';
import { ensureDatabase } from '../src/store/admin.js';
import { dupKeyBytes, dupKeyText } from '../src/store/dup-key.js';
import { CREATE, createParams, getItems, type NewItem } from '../src/store/inbox.js';
import { migrate } from '../src/store/migrate.js';
import { MIGRATIONS } from '../src/store/sql/migrations.js';
import { nearDuplicateKey } from '../src/text/near-duplicate.js';
import { testDatabaseUrl } from './helpers/db.js';
import { present } from './helpers/present.js';
import { seedItems } from './helpers/queue-seed.js';

/**
 * Migration 23 keeps near-duplicate keys as bytes. The store starts at schema 22 with items whose
 * keys are text, as an installation upgrading does: each key must read back as it was, and a new
 * post with the same key must still join the old item's group.
 */
const HEX = present(nearDuplicateKey('my bag was lost on the flight to Boston and nobody answers the phone'));
const ODD = ['k1', 'fifteen-chars!!', 'sixteen-chars!!!', 'ünïcode key'];
const NOW = Date.UTC(2026, 5, 1, 12);
let db: Db;

beforeAll(async () => {
  const server = (await testDatabaseUrl('dup-key-probe')).replace(/\/[^/]+$/, '/postgres');
  await ensureDatabase(server, 'earshot_dup_key');
  db = createPool(server.replace(/\/postgres$/, '/earshot_dup_key'), { max: 2 });
  await db.query(
    'CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  for (const m of MIGRATIONS.filter((m) => m.version <= 22)) {
    await db.query(m.sql);
    await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
  }
  await seedItems(db, [
    { id: 'hex-lead', dupKey: HEX, status: 'new' },
    ...ODD.map((k, i) => ({ id: `odd${i}`, dupKey: k })),
    { id: 'no-key' },
    { id: 'late' },
  ]);
  await db.query("DELETE FROM inbox_items WHERE id = 'late'");
  expect(await migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 22).map((m) => m.version));
});

afterAll(async () => {
  await db?.end();
});

describe('near-duplicate keys as bytes', () => {
  it('reads every key back as it was written, in both directions', () => {
    for (const key of [HEX, ...ODD]) expect(dupKeyText(dupKeyBytes(key))).toBe(key);
    expect(dupKeyBytes(HEX)?.length).toBe(16);
    // Not hex: never 16 bytes, so it cannot be read as a hex key.
    for (const key of ODD) expect(dupKeyBytes(key)?.length).not.toBe(16);
    expect(dupKeyBytes(null)).toBeNull();
    expect(dupKeyText(null)).toBeNull();
  });

  it('converts the keys an older store wrote as text, and stores a hex key in 17 bytes', async () => {
    const items = await getItems(db, ['hex-lead', ...ODD.map((_, i) => `odd${i}`), 'no-key']);
    expect(items.map((i) => i.dupKey)).toEqual([HEX, ...ODD, null]);
    const { rows } = await db.query<{ size: number }>("SELECT pg_column_size(dup_key) AS size FROM inbox_items WHERE id = 'hex-lead'");
    expect(rows[0]?.size).toBe(17);
  });

  it('groups a new item under an upgraded item with the same key', async () => {
    const item: NewItem & { dupKey: string } = {
      id: 'late',
      brandId: 'acme',
      sourceId: 'seed',
      platform: 'mastodon',
      priority: 'normal',
      urgency: 40,
      category: 'other',
      sentiment: 'negative',
      createdAt: NOW,
      slaDueAt: NOW + 3_600_000,
      draft: 'Hi',
      draftTemplate: 'default',
      draftWarnings: [],
      dupKey: HEX,
    };
    await db.query(CREATE, createParams([item], NOW));
    const [late] = await getItems(db, ['late']);
    expect(late?.dupOf).toBe('hex-lead');
    expect(late?.dupKey).toBe(HEX);
  });
});
