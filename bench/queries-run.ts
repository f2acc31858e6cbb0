import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/postgres/embedded.js';
import { createPool } from '../src/postgres/pool.js';
import { authorHistory } from '../src/store/authors.js';
import { queuePage } from '../src/store/inbox-queue.js';
import { migrate } from '../src/store/migrate.js';
import { searchMentions } from '../src/store/search.js';
import { measure, planOf, queryBench, type QueryResult } from './queries.js';
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
    if ((await migrate(db)).length)
      for (const t of ['mentions', 'mention_triage', 'authors', 'inbox_items']) await db.query(`VACUUM ANALYZE ${t}`);
    const seed = !keepIn || !sameSeed(dir, size);
    log(
      seed
        ? `query bench: seeding ${size.mentions.toLocaleString('en-US')} mentions, ${size.openItems.toLocaleString('en-US')} open items`
        : `query bench: reusing the database seeded in ${dir}`,
    );
    if (seed) rmSync(seedMark(dir), { force: true });
    const r = await queryBench(db, size, texts, { seed });
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
