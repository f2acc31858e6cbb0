import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/postgres/embedded.js';
import { createPool, type Db } from '../src/postgres/pool.js';
import { authorHistory } from '../src/store/authors.js';
import { queuePage } from '../src/store/inbox-queue.js';
import { migrate } from '../src/store/migrate.js';
import { searchMentions } from '../src/store/search.js';
import { postmasterPid } from './cpu.js';
import { measure, planOf, queryBench, type QueryResult } from './queries.js';
import { ProbeClock } from './queries-time.js';
import type { SeedSize } from './query-seed.js';

export const QUERY_TARGET_MS = 50;

/**
 * Indexes this bench proposes for the store's schema, measured here before they become a
 * migration (none at the moment: the queue's totals come from inbox_counts, migration 7).
 */
export const PROPOSED: string[] = [];

export const AUTHOR_TARGET_MS = 20;

/**
 * The query bench on its own PostgreSQL (durable settings, as the e2e bench's), so its million
 * rows neither slow nor inflate the replay's database. When a kind of query misses its target,
 * the plans of one such call are kept for the report.
 */
export async function runQueryBench(size: SeedSize, texts: string[], log: (line: string) => void, keepIn?: string): Promise<QueryResult> {
  const dir = keepIn ? path.resolve(keepIn) : mkdtempSync(path.join(os.tmpdir(), 'earshot-bench-pg-'));
  mkdirSync(dir, { recursive: true });
  // As root PostgreSQL runs as `postgres`, which must be able to enter the folder.
  chmodSync(dir, 0o711);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
  const db = createPool(pg.url, { max: 4 });
  try {
    // Migrations added since the seed apply to the seeded rows (a new index is built on them);
    // one that rewrote rows leaves pages index-only scans cannot trust until a vacuum.
    const migrating = performance.now();
    const applied = await migrate(db);
    if (applied.length) {
      log(`query bench: migrations ${applied.join(', ')} applied in ${((performance.now() - migrating) / 1000).toFixed(1)} s`);
      for (const t of ['mentions', 'mention_pending', 'authors', 'inbox_items']) await db.query(`VACUUM ANALYZE ${t}`);
    }
    const seed = !keepIn || !sameSeed(dir, size);
    if (!seed) log(`query bench: ${await warmUp(db)}`);
    log(
      seed
        ? `query bench: seeding ${size.mentions.toLocaleString('en-US')} mentions, ${size.openItems.toLocaleString('en-US')} open items`
        : `query bench: reusing the database seeded in ${dir}`,
    );
    if (seed) rmSync(seedMark(dir), { force: true });
    const clock = new ProbeClock(postmasterPid(path.join(dir, 'pg')));
    // A fresh seed leaves most pages out of shared_buffers (VACUUM reads through a small ring), so the
    // first probes of the text filter read the posts from the OS at 0.3–0.5 s each: warm it as a reused store is.
    const warm = async () => log(`query bench: ${await warmUp(db)}`);
    const r = await queryBench(db, size, texts, { seed, clock, warm });
    clock.stop();
    if (keepIn) writeFileSync(seedMark(dir), JSON.stringify(size));
    const open = ['new', 'assigned', 'awaiting_second', 'approved', 'publishing', 'needs_check', 'failed'];
    if (r.queue.p99 > QUERY_TARGET_MS) r.plans.push(await planOf(db, 'queue page', () => queuePage(db, { statuses: open, limit: 100 })));
    if (r.filtered.p99 > QUERY_TARGET_MS)
      r.plans.push(
        await planOf(db, 'filtered queue (brand + category)', () =>
          queuePage(db, { statuses: open, limit: 100, brand: 'acme', category: 'billing_refund' }),
        ),
      );
    if (r.queueText.p99 > QUERY_TARGET_MS)
      r.plans.push(
        await planOf(db, 'queue with the text filter "refund"', () =>
          queuePage(db, { statuses: open, limit: 100, collapse: true, q: 'refund' }),
        ),
      );
    const slowWord = [...r.searchWords].sort((a, b) => b.p99 - a.p99)[0];
    if (r.search.p99 > QUERY_TARGET_MS && slowWord)
      r.plans.push(await planOf(db, `search "${slowWord.q}"`, () => searchMentions(db, { q: slowWord.q, limit: 50 })));
    if (r.author.p99 > AUTHOR_TARGET_MS)
      r.plans.push(await planOf(db, 'author history', () => authorHistory(db, { platform: 'mastodon', authorId: 'a42' }, 50, 281)));
    if (r.plans.length && PROPOSED.length) {
      for (const sql of PROPOSED) await db.query(sql);
      await db.query('VACUUM ANALYZE inbox_items');
      r.proposed = { indexes: PROPOSED, timings: await measure(db, size) };
      log(
        `with the proposed indexes: queue p99 ${r.proposed.timings.queue.p99.toFixed(1)} ms · filtered ${r.proposed.timings.filtered.p99.toFixed(1)} ms`,
      );
      r.plans.push(
        await planOf(db, 'filtered queue (brand + category) with the proposed index', () =>
          queuePage(db, { statuses: open, limit: 100, brand: 'acme', category: 'billing_refund' }),
        ),
      );
    }
    return r;
  } finally {
    await db.end();
    await pg.stop();
    if (!keepIn) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The store's tables and indexes read into shared_buffers (or, when they do not fit, into the OS
 * page cache) before anything is timed: a server that has been answering the queue holds them,
 * one the bench just started on a copied folder does not, and its first probes of each person's
 * history read from disk. A fresh seed has just written every page, so it needs none.
 */
async function warmUp(db: Db): Promise<string> {
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_prewarm');
  const { rows } = await db.query<{ bytes: string; buffers: string }>(
    `SELECT sum(pg_relation_size(c.oid))::bigint AS bytes, current_setting('shared_buffers') AS buffers
     FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'i', 't', 'm')`,
  );
  const bytes = Number(rows[0]?.bytes ?? 0);
  const { rows: fit } = await db.query<{ fits: boolean }>(
    `SELECT $1::bigint < 0.9 * pg_size_bytes(current_setting('shared_buffers')) AS fits`,
    [bytes],
  );
  const mode = fit[0]?.fits ? 'buffer' : 'read';
  const started = Date.now();
  await db.query(
    `SELECT sum(pg_prewarm(c.oid, $1)) FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'i', 't', 'm')`,
    [mode],
  );
  const where =
    mode === 'buffer' ? `shared_buffers (${rows[0]?.buffers})` : `the OS page cache (shared_buffers ${rows[0]?.buffers} is smaller)`;
  return `warmed ${Math.round(bytes / 2 ** 20)} MB of tables and indexes into ${where} in ${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** Written once a seed finished, so an interrupted seed is done again rather than measured. */
const seedMark = (dir: string) => path.join(dir, 'seeded.json');

function sameSeed(dir: string, size: SeedSize): boolean {
  if (!existsSync(seedMark(dir))) return false;
  const was = JSON.parse(readFileSync(seedMark(dir), 'utf8')) as SeedSize;
  return (
    was.mentions === size.mentions &&
    was.openItems === size.openItems &&
    was.closedItems === size.closedItems &&
    was.authors === size.authors
  );
}
