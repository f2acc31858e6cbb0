import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../src/postgres/pool.js';
import { ensureDatabase } from '../src/store/admin.js';
import { queuePage } from '../src/store/inbox-queue.js';
import { createItems, type NewItem } from '../src/store/inbox.js';
import type { StoreKeys } from '../src/store/keys.js';
import type { Redis } from 'ioredis';
import type { QueueFilter } from '../src/store/queue-filter.js';
import { migrate } from '../src/store/migrate.js';
import { MIGRATIONS } from '../src/store/sql/migrations.js';
import { testDatabaseUrl } from './helpers/db.js';
import { nth } from './helpers/present.js';
import { seedItems, type ItemSeed } from './helpers/queue-seed.js';
import { WORD_BITS_TRIGGER } from '../src/store/sql/schema-word-bits-wide.js';

/**
 * Migrations 18 and 21: an item's two summaries of its post's words let the queue's text filter rule items out on the order
 * index before reading their posts. The database starts at schema 17 with items in it (an
 * installation upgrading); more items are created after the migration.
 */
let db: Db;
const NOW = Date.UTC(2026, 5, 1, 12);
const OPEN = ['new', 'assigned'];

const seeds = (from: number, n: number): ItemSeed[] =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      id: `w${String(i).padStart(3, '0')}`,
      priority: i % 5 === 0 ? 'urgent' : 'normal',
      urgency: (i * 31) % 100,
      slaDueAt: NOW + ((i % 7) - 2) * 10 * 60_000,
      createdAt: NOW - 3_600_000 - (i % 4) * 60_000,
      status: OPEN[i % 2],
      text: i % 4 === 0 ? `My flight was Cancelled, ${i}` : i % 3 === 0 ? `cancelled the bag ${i}` : `flight late, nothing cancelled? ${i}`,
    };
  });

beforeAll(async () => {
  const server = (await testDatabaseUrl('word-bits-probe')).replace(/\/[^/]+$/, '/postgres');
  await ensureDatabase(server, 'earshot_word_bits');
  db = createPool(server.replace(/\/postgres$/, '/earshot_word_bits'), { max: 2 });
  await db.query(
    'CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  for (const m of MIGRATIONS.filter((m) => m.version <= 17)) {
    await db.query(m.sql);
    await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
  }
  await seedItems(db, seeds(0, 60));
  expect(await migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 17).map((m) => m.version));
  await seedItems(db, seeds(60, 60));
});

afterAll(async () => {
  await db?.end();
});

/** Every page of a walk of the queue (a common text: collectMax 5 makes the queue be walked). */
async function walk(f: Omit<QueueFilter, 'limit' | 'cursor'>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 50; n += 1) {
    const page = await queuePage(db, { ...f, limit: 9, cursor, textTuning: { collectMax: 5 } });
    ids.push(...page.rows.map((r) => r.item.id));
    if (!page.next) break;
    cursor = page.next;
  }
  return ids;
}

async function expected(post: RegExp): Promise<string[]> {
  const all = await walk({ statuses: OPEN, now: NOW });
  const { rows } = await db.query<{ id: string; text: string }>('SELECT id, text FROM mentions');
  const texts = new Map(rows.map((r) => [r.id, r.text]));
  return all.filter((id) => post.test(texts.get(id) ?? ''));
}

describe("the post words' bits on inbox items", () => {
  it('are set on the items there before the migration and on those created after, from the words of the post', async () => {
    const { rows } = await db.query<{ id: string; same: boolean }>(
      `SELECT i.id, i.word_bits IS NOT NULL AND i.word_bits = earshot_word_bits(to_tsvector('simple', m.text))
         AND i.word_bits2 IS NOT NULL AND i.word_bits2 = earshot_word_bits2(to_tsvector('simple', m.text)) AS same
       FROM inbox_items i JOIN mentions m ON m.id = i.id`,
    );
    expect(rows).toHaveLength(120);
    expect(rows.filter((r) => !r.same)).toEqual([]);
  });

  it('find every item with all the words, before and after the migration, in the queue order', async () => {
    const want = await expected(/\bcancelled\b.*\bflight\b|\bflight\b.*\bcancelled\b/i);
    expect(want.some((id) => id < 'w060') && want.some((id) => id >= 'w060')).toBe(true);
    expect(await walk({ statuses: OPEN, now: NOW, q: 'cancelled flight' })).toEqual(want);
    expect(await walk({ statuses: OPEN, now: NOW, q: 'Cancelled' })).toEqual(await expected(/\bcancelled\b/i));
  });

  it('rule an item out without reading its post, unless it has none', async () => {
    const want = await expected(/\bcancelled\b.*\bflight\b|\bflight\b.*\bcancelled\b/i);
    const [first, second, third, fourth] = [nth(want, 0), nth(want, 1), nth(want, 2), nth(want, 3)];
    // Bits that claim no words hide a matching post: proof that the post was not read. Either
    // summary alone rules an item out; a null one (an item the trigger did not see) does not.
    await db.query('UPDATE inbox_items SET word_bits = 0 WHERE id = $1', [first]);
    await db.query('UPDATE inbox_items SET word_bits = NULL WHERE id = $1', [second]);
    await db.query('UPDATE inbox_items SET word_bits2 = 0 WHERE id = $1', [third]);
    await db.query('UPDATE inbox_items SET word_bits = NULL, word_bits2 = NULL WHERE id = $1', [fourth]);
    try {
      expect(await walk({ statuses: OPEN, now: NOW, q: 'cancelled flight' })).toEqual(want.filter((id) => id !== first && id !== third));
    } finally {
      await db.query(
        `UPDATE inbox_items i SET word_bits = earshot_word_bits(to_tsvector('simple', m.text)), word_bits2 = earshot_word_bits2(to_tsvector('simple', m.text))
         FROM mentions m WHERE m.id = i.id`,
      );
    }
  });

  it('are set by the item insert itself, with the trigger left for writers that leave them out', async () => {
    const ids = ['w900', 'w901'];
    await seedItems(db, seeds(900, 2));
    await db.query('DELETE FROM inbox_items WHERE id = ANY($1)', [ids]);
    const item = (id: string): NewItem => ({
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
    });
    const s = { db, redis: { publish: async () => 0 } as unknown as Redis, keys: { inbox: 'test:inbox' } as StoreKeys };
    // The trigger of migration 18 made to fail: the insert must not lean on it (its per-row call was the cost).
    await db.query(`CREATE OR REPLACE FUNCTION inbox_word_bits() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE 'trigger ran'; END $$`);
    try {
      expect(await createItems(s, ids.map(item))).toEqual(ids);
    } finally {
      await db.query(WORD_BITS_TRIGGER);
    }
    const { rows } = await db.query<{ same: boolean }>(
      `SELECT i.word_bits = earshot_word_bits(to_tsvector('simple', m.text)) AND i.word_bits2 = earshot_word_bits2(to_tsvector('simple', m.text)) AS same FROM inbox_items i JOIN mentions m ON m.id = i.id WHERE i.id = ANY($1)`,
      [ids],
    );
    expect(rows).toEqual([{ same: true }, { same: true }]);
  });
});
