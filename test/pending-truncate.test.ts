import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mention } from '../src/mention.js';
import type { Db } from '../src/postgres/pool.js';
import { ingestMentions } from '../src/store/mentions.js';
import { compactPending } from '../src/store/pending.js';
import { testDb } from './helpers/db.js';
import { testMention } from './helpers/seed.js';

let db: Db;
let next = 0;

function post(): Mention {
  next += 1;
  return testMention({ nativeId: `p${next}`, text: `@AcmeAir flight ${next} is late again`, author: `a${next % 50}` });
}

async function pendingBytes(): Promise<number> {
  const { rows } = await db.query<{ bytes: string }>("SELECT pg_total_relation_size('mention_pending')::bigint AS bytes");
  return Number(rows[0]?.bytes);
}

async function pendingRows(): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM mention_pending');
  return rows[0]?.n ?? -1;
}

/** Ingests `n` posts (each leaves a pending row), as a replay does before routing catches up. */
async function ingest(n: number): Promise<void> {
  for (let done = 0; done < n; done += 500) await ingestMentions(db, Array.from({ length: Math.min(500, n - done) }, post));
}

beforeAll(async () => {
  db = await testDb('pending-truncate');
});

afterAll(async () => {
  await db?.end();
});

describe('compactPending', () => {
  it('gives an emptied, grown pending table its disk back', async () => {
    await ingest(3000);
    await db.query('DELETE FROM mention_pending');
    const before = await pendingBytes();
    expect(before).toBeGreaterThan(64 * 1024);
    expect(await compactPending(db)).toBe('truncated');
    expect(await pendingBytes()).toBeLessThan(before / 4);
    // The mentions themselves are untouched: only the routing marks went.
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM mentions');
    expect(rows[0]?.n).toBe(3000);
  });

  it('keeps pending rows: a grown table with mentions still to route is left alone', async () => {
    await ingest(3000);
    await db.query('DELETE FROM mention_pending WHERE id <> (SELECT max(id) FROM mention_pending)');
    expect(await compactPending(db)).toBe('rows-pending');
    expect(await pendingRows()).toBe(1);
    await db.query('DELETE FROM mention_pending');
  });

  it('leaves a small table alone', async () => {
    await db.query('TRUNCATE mention_pending');
    await ingest(10);
    await db.query('DELETE FROM mention_pending');
    expect(await compactPending(db)).toBe('small');
  });

  it('skips the run rather than queue ingest behind a lock another transaction holds', async () => {
    await ingest(3000);
    await db.query('DELETE FROM mention_pending');
    const holder = await db.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE mention_pending IN ROW EXCLUSIVE MODE');
      const started = Date.now();
      expect(await compactPending(db)).toBe('busy');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect(await compactPending(db)).toBe('truncated');
  });
});
