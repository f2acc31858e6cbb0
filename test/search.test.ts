import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchMentions, type SearchQuery, type SearchTuning } from '../src/store/search.js';
import { testApp, type TestApp } from './helpers/app.js';

let app: TestApp;
const T0 = Date.UTC(2025, 0, 1);

interface Post {
  id: string;
  brand: string;
  at: number;
  text: string;
  handle: string;
  name: string;
  words: string[];
}
let posts: Post[] = [];

/** A few thousand posts straight into the tables: a storm of one phrase, and rarer words among it. */
async function seed(): Promise<void> {
  const db = app.ctx.db;
  await db.query(
    `INSERT INTO authors (platform, native_id, handle, name) SELECT 'mastodon', 'a' || g, 'skyhopper' || g, 'Flyer ' || g FROM generate_series(0, 49) g`,
  );
  const texts = [
    'storm post about a delayed flight',
    'My LAWYER will hear about this lost wheelchair',
    'the refunds never came, luggage still missing',
    'Flights cancelled again and again',
    'Verspätung von drei Stunden, kein Gepäck',
    'The refund saga continues, third call this month',
    'great crew today, thanks',
  ];
  // Every 7th post is the storm phrase's neighbour; times are unique so the order is total.
  await db.query(
    `INSERT INTO mentions (id, platform, native_id, source_id, brand_id, author_id, created_at, stored_at, lang, text, rest)
     SELECT 's' || lpad(g::text, 5, '0'), 'mastodon', 'n' || g, 'src', CASE WHEN g % 3 = 0 THEN 'beta' ELSE 'acme' END, 'a' || (g % 50), $1::bigint + g * 60000, $1::bigint, 'en',
            CASE WHEN g % 5 = 0 THEN ($2::text[])[1 + (g / 5) % 6 + 1] ELSE ($2::text[])[1] END || ' #' || g,
            '[null,["h","n",1,null],null,[0,0,0],null,{}]'
     FROM generate_series(1, 3000) g`,
    [T0, texts],
  );
  const { rows } = await db.query<{
    id: string;
    brand_id: string;
    created_at: number;
    text: string;
    handle: string;
    name: string;
    words: string[];
  }>(
    `SELECT m.id, m.brand_id, m.created_at, m.text, a.handle, a.name, tsvector_to_array(to_tsvector('simple', m.text)) AS words
     FROM mentions m JOIN authors a ON a.platform = m.platform AND a.native_id = m.author_id`,
  );
  posts = rows.map((r) => ({
    id: r.id,
    brand: r.brand_id,
    at: r.created_at,
    text: r.text,
    handle: r.handle,
    name: r.name,
    words: r.words,
  }));
  await db.query('ANALYZE mentions');
}

/** What a search means, computed the slow way over every post: words, then word starts, then substrings. */
async function reference(s: SearchQuery): Promise<string[]> {
  const { rows } = await app.ctx.db.query<{ w: string[] }>(`SELECT tsvector_to_array(to_tsvector('simple', $1)) AS w`, [s.q]);
  const words = rows[0]?.w ?? [];
  const inScope = posts.filter(
    (p) => (!s.brand || p.brand === s.brand) && (s.from === undefined || p.at >= s.from) && (s.to === undefined || p.at <= s.to),
  );
  const q = s.q.toLowerCase();
  const tiers: Array<(p: Post) => boolean> = [
    (p) => words.length > 0 && words.every((w) => p.words.includes(w)),
    (p) => words.length > 0 && words.every((w) => p.words.some((pw) => pw.startsWith(w))),
    (p) => p.text.toLowerCase().includes(q) || p.handle.toLowerCase().includes(q) || p.name.toLowerCase().includes(q),
  ];
  for (const tier of tiers) {
    const hits = inScope.filter(tier);
    if (hits.length) return hits.sort((a, b) => b.at - a.at).map((p) => p.id);
  }
  return [];
}

const PAGES = 6;

/** The first PAGES pages of a search, in order. */
async function firstPages(s: SearchQuery): Promise<{ ids: string[]; total: number; exact: boolean }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let first: { total: number; exact: boolean } | undefined;
  for (let n = 0; n < PAGES; n += 1) {
    const page = await searchMentions(app.ctx.db, { ...s, cursor });
    first ??= { total: page.total, exact: page.totalExact };
    ids.push(...page.hits.map((h) => h.stored.mention.id));
    if (!page.next) break;
    cursor = page.next;
  }
  return { ids, ...(first ?? { total: 0, exact: true }) };
}

beforeAll(async () => {
  app = await testApp();
  await seed();
});

afterAll(async () => {
  await app?.close();
});

const SEARCHES: Array<Omit<SearchQuery, 'limit'>> = [
  { q: 'lawyer' },
  { q: 'flight' },
  { q: 'delayed flight' },
  { q: 'flights' },
  { q: 'lugg' },
  { q: 'refund' },
  { q: 'AGA CONT' },
  { q: 'hopper7' },
  { q: 'Verspätung' },
  { q: 'nothing like this' },
  { q: 'storm', brand: 'beta', from: T0 + 500 * 60000, to: T0 + 2500 * 60000 },
];

/**
 * The default thresholds, and ones that force each plan: collecting every match, walking the
 * newest posts, windows of the indexes (one that holds two pages, and tiny ones that must widen
 * many times), and a walk that finds too few and hands over to windows.
 */
const TUNINGS: Array<Partial<SearchTuning>> = [
  {},
  { cap: 5 },
  { cap: 5, collectMax: 0 },
  { cap: 5, collectMax: 0, rowCost: 0 },
  { cap: 5, collectMax: 0, rowCost: 1e9 },
  { cap: 5, collectMax: 0, rowCost: 1e9, windowPages: 0.001 },
  { cap: 5, collectMax: 0, rowCost: 0, walkRows: 7 },
];

describe('search over every stored post', () => {
  it.each(TUNINGS)('finds what the slow reference finds, in the same order across pages (%o)', async (tuning) => {
    for (const s of SEARCHES) {
      const expected = await reference({ ...s, limit: 7 });
      const got = await firstPages({ ...s, limit: 7, tuning });
      expect(got.ids, JSON.stringify(s)).toEqual(expected.slice(0, PAGES * 7));
      const cap = tuning.cap ?? 1000;
      if (expected.length <= cap && (tuning.collectMax ?? 5000) > 0)
        expect({ q: s.q, total: got.total, exact: got.exact }).toEqual({ q: s.q, total: expected.length, exact: true });
      if (expected.length > cap) expect(got.exact, s.q).toBe(false);
    }
  });

  it('counts exactly up to the cap and says "about" beyond it', async () => {
    const few = await searchMentions(app.ctx.db, { q: 'lawyer', limit: 10 });
    expect({ total: few.total, exact: few.totalExact }).toEqual({
      total: (await reference({ q: 'lawyer', limit: 10 })).length,
      exact: true,
    });
    const many = await searchMentions(app.ctx.db, { q: 'storm', limit: 10 });
    expect(many.totalExact).toBe(false);
    expect(many.total).toBeGreaterThan(1000);
    expect(many.hits).toHaveLength(10);
  });
});
