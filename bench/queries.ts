import type { Db } from '../src/postgres/pool.js';
import { authorHistory } from '../src/store/authors.js';
import { queuePage } from '../src/store/inbox-queue.js';
import { searchMentions } from '../src/store/search.js';
import { pgBytesPerMention, type PgSize } from './pg-size.js';
import { seedQueryData, type SeedSize } from './query-seed.js';
import { ProbeClock, tailSplit, type ProbeSplit } from './queries-time.js';
import { summary } from './stats.js';

type Summary = ReturnType<typeof summary>;

export interface QueryResult {
  size: SeedSize;
  seedSeconds: number;
  queue: Summary;
  queueNext: Summary;
  filtered: Summary;
  /** The queue's search box: a text filter on the open items. */
  queueText: Summary;
  search: Summary;
  /** p99 per search word, to show which kind of word is slow. */
  searchWords: Array<{ q: string; total: number; exact: boolean; p99: number }>;
  /** The filtered queue's and the text filter's figures per filter set and per text, to show which one makes the p99. */
  filterSets: Array<{ what: string; total: number; exact: boolean; p50: number; p99: number }>;
  queueTexts: Array<{ what: string; total: number; exact: boolean; p50: number; p99: number }>;
  author: Summary;
  /** Per kind of query, what its slowest probes (p99 and above) spent their time on (queries-time.ts). */
  tails: Array<{ what: string } & ReturnType<typeof tailSplit>>;
  pg: PgSize;
  /** The same queries again after the indexes proposed in queries-run.ts were added (when any target was missed). */
  proposed?: { indexes: string[]; timings: Timings };
  /** EXPLAIN (ANALYZE, BUFFERS) of the slowest kind of query when a target was missed. */
  plans: Array<{ what: string; plan: string }>;
}

const OPEN = ['new', 'assigned', 'awaiting_second', 'approved', 'publishing', 'needs_check', 'failed'];
/** A rare word, a common complaint word, a word start, an author's handle, a German word, a common phrase, a substring inside words. */
const WORDS = ['lawyer', 'refund', 'lugg', 'user4242', 'Verspätung', 'cancelled flight', 'ggage'];

type Probe = { ms: number; split: ProbeSplit };

/** Times `n` calls; with a clock, each probe's split is kept in `into` too. */
async function timed(n: number, run: (i: number) => Promise<unknown>, clock?: ProbeClock, into?: Probe[]): Promise<number[]> {
  const out: number[] = [];
  clock?.refresh();
  for (let i = 0; i < n; i += 1) {
    if (clock) {
      const probe = await clock.time(() => run(i));
      into?.push(probe);
      out.push(probe.ms);
      continue;
    }
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
export async function queryBench(
  db: Db,
  size: SeedSize,
  texts: string[],
  opts: { seed: boolean; rounds?: number; clock?: ProbeClock; warm?: () => Promise<void> },
): Promise<QueryResult> {
  const seeded = Date.now();
  if (opts.seed) await seedQueryData(db, size, texts);
  const seedSeconds = opts.seed ? (Date.now() - seeded) / 1000 : 0;
  if (opts.seed && opts.warm) await opts.warm();
  return { ...(await measure(db, size, opts.rounds ?? 200, opts.clock)), size, seedSeconds, pg: await pgBytesPerMention(db), plans: [] };
}

export type Timings = Pick<
  QueryResult,
  'queue' | 'queueNext' | 'filtered' | 'queueText' | 'search' | 'searchWords' | 'filterSets' | 'queueTexts' | 'author' | 'tails'
>;

type Split = QueryResult['filterSets'];

/** Calls made round robin over `cases` (so each sees the same load), then summed up per case. */
async function perCase<T>(
  rounds: number,
  cases: T[],
  name: (c: T) => string,
  run: (c: T) => Promise<{ total: number; totalExact: boolean }>,
  clock?: ProbeClock,
  into?: Probe[],
): Promise<{ all: Summary; split: Split }> {
  const seen = new Map<T, { total: number; exact: boolean }>();
  for (const c of cases) {
    const r = await run(c);
    seen.set(c, { total: r.total, exact: r.totalExact });
  }
  const times = await timed(rounds, (i) => run(cases[i % cases.length] as T), clock, into);
  const split = cases.map((c, n) => {
    const own = summary(times.filter((_, i) => i % cases.length === n));
    return { what: name(c), total: seen.get(c)?.total ?? 0, exact: seen.get(c)?.exact ?? true, p50: own.p50, p99: own.p99 };
  });
  return { all: summary(times), split };
}

const FILTERS = [
  { brand: 'acme', category: 'billing_refund' },
  { priority: 'urgent', language: 'de' },
  { source: 'live', category: 'lost_damaged_item' },
  { assignee: 'bob' },
  { brand: 'beta', priority: 'urgent' },
];
const TEXTS = ['lawyer', 'refund', 'cancelled flight', 'user4242'];

export async function measure(db: Db, size: SeedSize, rounds = 200, clock?: ProbeClock): Promise<Timings> {
  // As the web queue asks: one row per near-duplicate group. One untimed pass of each kind first:
  // it pays for plan caching and cold pages.
  const page = { statuses: OPEN, limit: 100, collapse: true };
  const probes = new Map<string, Probe[]>();
  const into = (what: string) => probes.set(what, []).get(what);
  await queuePage(db, page);
  const queue = summary(await timed(rounds, () => queuePage(db, page), clock, into('queue')));
  const first = await queuePage(db, page);
  const nextPage = () => queuePage(db, { ...page, cursor: first.next ?? undefined });
  const queueNext = summary(await timed(rounds, nextPage, clock, into('later page')));
  const filtered = await perCase(
    rounds,
    FILTERS,
    (f) => Object.values(f).join(' + '),
    (f) => queuePage(db, { ...page, ...f }),
    clock,
    into('filtered'),
  );
  const queueText = await perCase(
    Math.ceil(rounds / 2),
    TEXTS,
    (q) => q,
    (q) => queuePage(db, { ...page, q }),
    clock,
    into('text filter'),
  );
  const searchWords: QueryResult['searchWords'] = [];
  const all: number[] = [];
  const searched = into('search');
  for (const q of WORDS) {
    const { total, totalExact } = await searchMentions(db, { q, limit: 50 });
    const times = await timed(Math.ceil(rounds / WORDS.length), () => searchMentions(db, { q, limit: 50 }), clock, searched);
    all.push(...times);
    searchWords.push({ q, total, exact: totalExact, p99: summary(times).p99 });
  }
  const history = (i: number) => authorHistory(db, { platform: 'mastodon', authorId: `a${(i * 104_729) % size.authors}` }, 50, 281);
  const author = summary(await timed(rounds, history, clock, into('author')));
  return {
    queue,
    queueNext,
    filtered: filtered.all,
    filterSets: filtered.split,
    queueText: queueText.all,
    queueTexts: queueText.split,
    search: summary(all),
    searchWords,
    author,
    tails: [...probes].filter(([, p]) => p.length > 0).map(([what, p]) => ({ what, ...tailSplit(p) })),
  };
}

/** The plan PostgreSQL chose for a statement, with timings and buffers, for the report. */
export async function explain(db: Db, sql: string, params: unknown[]): Promise<string> {
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

type Recorded = { sql: string; params: unknown[]; settings: string[] };

/**
 * Runs `run` with the statements it sends recorded, through the pool or a client it checked out
 * (search and the queue's walk run in one read-only transaction), so they can be explained
 * afterwards. Only reads are kept: BEGIN, SET LOCAL and EXPLAIN are the transaction's frame, not
 * its work; the SET LOCALs in force are kept with each read, so its plan is the one it ran with.
 */
export async function statementsOf(db: Db, run: () => Promise<unknown>): Promise<Recorded[]> {
  const seen: Recorded[] = [];
  const record = (sql: unknown, params: unknown, settings: string[]) => {
    if (typeof sql === 'string' && /^\s*\(?\s*SELECT/i.test(sql))
      seen.push({ sql, params: (params as unknown[]) ?? [], settings: [...settings] });
  };
  const original = db.query.bind(db);
  const connect = db.connect.bind(db);
  (db as { query: unknown }).query = (sql: unknown, params?: unknown) => {
    record(sql, params, []);
    return (original as (a: unknown, b: unknown) => unknown)(sql, params);
  };
  // pool.query checks a client out with a callback: that path is left as it is (db.query records it).
  (db as { connect: unknown }).connect = async (callback?: unknown) => {
    if (typeof callback === 'function') return (connect as unknown as (cb: unknown) => void)(callback);
    const client = await connect();
    const query = client.query.bind(client) as (a: unknown, b: unknown) => unknown;
    const settings: string[] = [];
    (client as { query: unknown }).query = (sql: unknown, params?: unknown) => {
      if (typeof sql === 'string') for (const m of sql.matchAll(/SET LOCAL [^;]+/g)) settings.push(m[0]);
      record(sql, params, settings);
      return query(sql, params);
    };
    const release = client.release.bind(client);
    client.release = (err?: Error | boolean) => {
      (client as { query: unknown }).query = query;
      release(err);
    };
    return client;
  };
  try {
    await run();
  } finally {
    (db as { query: unknown }).query = original;
    (db as { connect: unknown }).connect = connect;
  }
  return seen;
}

/** EXPLAIN ANALYZE of every statement one call of a store function sends, with the settings it ran under. */
export async function planOf(db: Db, what: string, run: () => Promise<unknown>): Promise<{ what: string; plan: string }> {
  const statements = await statementsOf(db, run);
  const plans: string[] = [];
  for (const s of statements) {
    if (s.settings.length === 0) {
      plans.push(await explain(db, s.sql, s.params));
      continue;
    }
    const client = await db.connect();
    try {
      await client.query(`BEGIN READ ONLY; ${s.settings.join('; ')}`);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${s.sql}`, s.params);
      plans.push(`(${s.settings.join(', ')})\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }
  return { what, plan: plans.join('\n\n') };
}
