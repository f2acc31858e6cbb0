import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
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
export async function runQueryBench(size: SeedSize, texts: string[], log: (line: string) => void): Promise<QueryResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-bench-pg-'));
  // As root PostgreSQL runs as `postgres`, which must be able to enter the folder.
  chmodSync(dir, 0o711);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
  const db = createPool(pg.url, { max: 4 });
  try {
    await migrate(db);
    log(`query bench: seeding ${size.mentions.toLocaleString('en-US')} mentions, ${size.openItems.toLocaleString('en-US')} open items`);
    const r = await queryBench(db, size, texts);
    const open = ['new', 'assigned', 'awaiting_second', 'approved', 'publishing', 'needs_check', 'failed'];
    if (r.queue.p99 > QUERY_TARGET_MS) r.plans.push(await planOf(db, 'queue page', () => queuePage(db, { statuses: open, limit: 100 })));
    if (r.filtered.p99 > QUERY_TARGET_MS) r.plans.push(await planOf(db, 'filtered queue (brand + category)', () => queuePage(db, { statuses: open, limit: 100, brand: 'acme', category: 'billing_refund' })));
    const slowWord = [...r.searchWords].sort((a, b) => b.p99 - a.p99)[0];
    if (r.search.p99 > QUERY_TARGET_MS && slowWord) r.plans.push(await planOf(db, `search "${slowWord.q}"`, () => searchMentions(db, { q: slowWord.q, limit: 50 })));
    if (r.author.p99 > AUTHOR_TARGET_MS) r.plans.push(await planOf(db, 'author history', () => authorHistory(db, { platform: 'mastodon', authorId: 'a42' }, 50, 281)));
    if (r.plans.length && PROPOSED.length) {
      for (const sql of PROPOSED) await db.query(sql);
      await db.query('VACUUM ANALYZE inbox_items');
      r.proposed = { indexes: PROPOSED, timings: await measure(db, size) };
      log(`with the proposed indexes: queue p99 ${r.proposed.timings.queue.p99.toFixed(1)} ms · filtered ${r.proposed.timings.filtered.p99.toFixed(1)} ms`);
      r.plans.push(await planOf(db, 'filtered queue (brand + category) with the proposed index', () => queuePage(db, { statuses: open, limit: 100, brand: 'acme', category: 'billing_refund' })));
    }
    return r;
  } finally {
    await db.end();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
