import type { Db } from '../src/postgres/pool.js';
import { authorHistory } from '../src/store/authors.js';
import { queuePage } from '../src/store/inbox-queue.js';
import { searchMentions } from '../src/store/search.js';
import { pgBytesPerMention, type PgSize } from './pg-size.js';
import { seedQueryData, type SeedSize } from './query-seed.js';
import { summary } from './stats.js';

type Summary = ReturnType<typeof summary>;

export interface QueryResult {
  size: SeedSize;
  seedSeconds: number;
  queue: Summary;
  queueNext: Summary;
  filtered: Summary;
  search: Summary;
  /** p99 per search word, to show which kind of word is slow. */
  searchWords: Array<{ q: string; total: number; exact: boolean; p99: number }>;
  author: Summary;
  pg: PgSize;
  /** The same queries again after the indexes proposed in queries-run.ts were added (when any target was missed). */
  proposed?: { indexes: string[]; timings: Timings };
  /** EXPLAIN (ANALYZE, BUFFERS) of the slowest kind of query when a target was missed. */
  plans: Array<{ what: string; plan: string }>;
}

const OPEN = ['new', 'assigned', 'awaiting_second', 'approved', 'publishing', 'needs_check', 'failed'];
/** A rare word, a common complaint word, a word start, an author's handle, a German word, a common phrase, a substring inside words. */
const WORDS = ['lawyer', 'refund', 'lugg', 'user4242', 'Verspätung', 'cancelled flight', 'ggage'];

async function timed(n: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    await run(i);
    out.push(performance.now() - t);
  }
  return out;
}

/**
 * The queries the inbox API runs, through the same store functions, against a seeded history:
 * the queue's first page and a later one (keyset), a filtered queue, text search, a person's history.
 */
export async function queryBench(db: Db, size: SeedSize, texts: string[], opts: { seed: boolean; rounds?: number }): Promise<QueryResult> {
  const seeded = Date.now();
  if (opts.seed) await seedQueryData(db, size, texts);
  const seedSeconds = opts.seed ? (Date.now() - seeded) / 1000 : 0;
  return { ...(await measure(db, size, opts.rounds ?? 200)), size, seedSeconds, pg: await pgBytesPerMention(db), plans: [] };
}

export type Timings = Pick<QueryResult, 'queue' | 'queueNext' | 'filtered' | 'search' | 'searchWords' | 'author'>;

export async function measure(db: Db, size: SeedSize, rounds = 200): Promise<Timings> {
  // One untimed pass of each: the first query of a kind pays for plan caching and cold pages.
  await queuePage(db, { statuses: OPEN, limit: 100 });
  const queue = summary(await timed(rounds, () => queuePage(db, { statuses: OPEN, limit: 100 })));
  const first = await queuePage(db, { statuses: OPEN, limit: 100 });
  const queueNext = summary(await timed(rounds, () => queuePage(db, { statuses: OPEN, limit: 100, cursor: first.next ?? undefined })));
  const filters = [
    { brand: 'acme', category: 'billing_refund' },
    { priority: 'urgent', language: 'de' },
    { source: 'live', category: 'lost_damaged_item' },
    { assignee: 'bob' },
    { brand: 'beta', priority: 'urgent' },
  ];
  const filtered = summary(await timed(rounds, (i) => queuePage(db, { statuses: OPEN, limit: 100, ...filters[i % filters.length] })));
  const searchWords: QueryResult['searchWords'] = [];
  const all: number[] = [];
  for (const q of WORDS) {
    const { total, totalExact } = await searchMentions(db, { q, limit: 50 });
    const times = await timed(Math.ceil(rounds / WORDS.length), () => searchMentions(db, { q, limit: 50 }));
    all.push(...times);
    searchWords.push({ q, total, exact: totalExact, p99: summary(times).p99 });
  }
  const author = summary(await timed(rounds, (i) => authorHistory(db, { platform: 'mastodon', authorId: `a${(i * 104_729) % size.authors}` }, 50, 281)));
  return { queue, queueNext, filtered, search: summary(all), searchWords, author };
}

/** The plan PostgreSQL chose for a statement, with timings and buffers, for the report. */
export async function explain(db: Db, sql: string, params: unknown[]): Promise<string> {
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

/** Runs `run` with db.query recorded, so the statements a store function sent can be explained afterwards. */
export async function statementsOf(db: Db, run: () => Promise<unknown>): Promise<Array<{ sql: string; params: unknown[] }>> {
  const seen: Array<{ sql: string; params: unknown[] }> = [];
  const original = db.query.bind(db);
  (db as { query: unknown }).query = (sql: unknown, params?: unknown) => {
    if (typeof sql === 'string') seen.push({ sql, params: (params as unknown[]) ?? [] });
    return (original as (a: unknown, b: unknown) => unknown)(sql, params);
  };
  try {
    await run();
  } finally {
    (db as { query: unknown }).query = original;
  }
  return seen;
}

/** EXPLAIN ANALYZE of every statement one call of a store function sends. */
export async function planOf(db: Db, what: string, run: () => Promise<unknown>): Promise<{ what: string; plan: string }> {
  const statements = await statementsOf(db, run);
  const plans: string[] = [];
  for (const s of statements) plans.push(await explain(db, s.sql, s.params));
  return { what, plan: plans.join('\n\n') };
}
