import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../src/postgres/pool.js';
import { ensureDatabase } from '../src/store/admin.js';
import { migrate } from '../src/store/migrate.js';
import { planRows, searchMentions } from '../src/store/search.js';
import { Params, substringMatcher } from '../src/store/search-match.js';
import { substringWords, WORDS_PER_TOKEN } from '../src/store/search-vocabulary.js';
import { MIGRATIONS } from '../src/store/sql/migrations.js';
import { testDatabaseUrl } from './helpers/db.js';

/**
 * Migration 20 finds substrings through the vocabulary of stored words instead of a trigram
 * index over every post. The database starts at schema 19 with posts in it, as an installation
 * upgrading does; more posts are stored after the upgrade.
 */
let db: Db;
const T0 = Date.UTC(2026, 0, 1);

async function store(from: number, texts: string[]): Promise<void> {
  await db.query(
    `INSERT INTO mentions (id, platform, native_id, source_id, brand_id, author_id, created_at, stored_at, lang, text, rest)
     SELECT 'v' || lpad((${from} + n)::text, 6, '0'), 'mastodon', 'n' || (${from} + n), 'src', 'acme', 'a1', $1::bigint + (${from} + n) * 1000, $1::bigint, 'en', t, '[null,["h","n",1,null],null,[0,0,0],null,{}]'
     FROM unnest($2::text[]) WITH ORDINALITY AS u(t, n)`,
    [T0, texts],
  );
}

const found = async (q: string) => (await searchMentions(db, { q, limit: 50 })).hits.map((h) => h.stored.mention.text).sort();

beforeAll(async () => {
  const server = (await testDatabaseUrl('vocabulary-probe')).replace(/\/[^/]+$/, '/postgres');
  await ensureDatabase(server, 'earshot_vocabulary');
  db = createPool(server.replace(/\/postgres$/, '/earshot_vocabulary'), { max: 2 });
  await db.query(
    'CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  for (const m of MIGRATIONS.filter((m) => m.version <= 19)) {
    await db.query(m.sql);
    await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
  }
  await db.query(`INSERT INTO authors (platform, native_id, handle, name) VALUES ('mastodon', 'a1', 'flyer@example.social', 'A Flyer')`);
  await store(0, ['Where is my baggage? Delayed again', 'the crew was lovely']);
  expect(await migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 19).map((m) => m.version));
  await store(100, ['Luggage delivered to the wrong city', 'The BAGGAGE DELAY desk never answered']);
});

afterAll(async () => {
  await db?.end();
});

describe('substrings through the vocabulary (migration 20)', () => {
  it('drops the trigram index over the text and keeps the words of posts stored before and after the upgrade', async () => {
    const { rows } = await db.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'mentions'`);
    expect(rows.map((r) => r.indexname)).not.toContain('mentions_trgm');
    const words = (await db.query<{ word: string }>('SELECT word FROM mention_words ORDER BY word')).rows.map((r) => r.word);
    expect(words).toEqual(expect.arrayContaining(['baggage', 'crew', 'luggage', 'delay', 'delayed']));
  });

  it('finds a text inside words and across them, in old and new posts, and nothing when no word holds it', async () => {
    expect(await found('ggage')).toEqual([
      'Luggage delivered to the wrong city',
      'The BAGGAGE DELAY desk never answered',
      'Where is my baggage? Delayed again',
    ]);
    expect(await found('gage dela')).toEqual(['The BAGGAGE DELAY desk never answered']);
    expect(await found('ge? del')).toEqual(['Where is my baggage? Delayed again']);
    expect(await found('ggagex')).toEqual([]);
  });

  it('tests the posts themselves when no token narrows the search (short tokens, or one inside too many words)', async () => {
    const client = await db.connect();
    try {
      expect(await substringWords(client, ['ew'])).toBeNull();
    } finally {
      client.release();
    }
    expect(await found('ew')).toEqual(['the crew was lovely']);
    await store(
      200,
      Array.from({ length: WORDS_PER_TOKEN + 1 }, (_, i) => `zz${i}qq`),
    );
    expect(await found('zz1')).toHaveLength(50);
  });

  it("estimates a substring's matches from its candidates, not from the text test's guessed selectivity", async () => {
    // 3% of posts hold "baggage": as a condition ANDed with the text test, the planner squared that share.
    await store(
      1000,
      Array.from({ length: 3000 }, (_, i) => (i % 33 === 0 ? `bag ${i} baggage lost` : `flight ${i} on time`)),
    );
    // Every post here is a1's. With the authors table empty and its size known (migration 24 builds an index on it), the
    // planner took a1 to match and counted all 3,000 posts; a store has many authors, and statistics of them.
    await db.query(
      "INSERT INTO authors (platform, native_id, handle, name) SELECT 'mastodon', 'a' || g, 'h' || g, 'n' || g FROM generate_series(1, 2000) g ON CONFLICT DO NOTHING",
    );
    await db.query('ANALYZE mentions, authors');
    const client = await db.connect();
    try {
      const matcher = substringMatcher('ggage', await substringWords(client, ['ggage']));
      const p = new Params();
      const estimated = await planRows(
        client,
        (matcher.estimated ?? matcher.indexed)(p, () => ''),
        p.values,
      );
      expect(estimated).toBeGreaterThan(50);
      expect(estimated).toBeLessThan(400);
    } finally {
      client.release();
    }
  });
});
