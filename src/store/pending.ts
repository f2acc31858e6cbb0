import type { Db } from '../postgres/pool.js';

/**
 * mention_pending holds a row only between a mention's insert and its routing, so it is empty
 * whenever the pipeline has caught up. Deleted rows leave their pages and index pages behind:
 * after a replay of 100,000 posts the empty table still held 65 bytes per stored mention, and
 * plain VACUUM does not give empty index pages back. TRUNCATE does, and is cheap on an empty table.
 */
export const PENDING_TRUNCATE_ABOVE_BYTES = 64 * 1024;

/**
 * TRUNCATE needs the ACCESS EXCLUSIVE lock, which would queue every ingest behind it if a
 * long transaction held the table; a short lock timeout skips the run instead (the next health
 * job tries again), so ingest waits on housekeeping for at most that long.
 */
const LOCK_TIMEOUT = '50ms';

export type PendingCompaction = 'truncated' | 'small' | 'busy' | 'rows-pending';

/** Gives an empty mention_pending's disk back when it has grown past the threshold. */
export async function compactPending(db: Db, aboveBytes = PENDING_TRUNCATE_ABOVE_BYTES): Promise<PendingCompaction> {
  const size = await db.query<{ bytes: string; some: boolean }>(
    "SELECT pg_total_relation_size('mention_pending')::bigint AS bytes, EXISTS (SELECT 1 FROM mention_pending) AS some",
  );
  const row = size.rows[0];
  if (!row || Number(row.bytes) <= aboveBytes) return 'small';
  if (row.some) return 'rows-pending';
  return truncateIfEmpty(db);
}

async function truncateIfEmpty(db: Db): Promise<PendingCompaction> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    await client.query('LOCK TABLE mention_pending IN ACCESS EXCLUSIVE MODE');
    // A row may have arrived between the first look and the lock: it must survive.
    const { rows } = await client.query<{ some: boolean }>('SELECT EXISTS (SELECT 1 FROM mention_pending) AS some');
    if (rows[0]?.some) {
      await client.query('ROLLBACK');
      return 'rows-pending';
    }
    await client.query('TRUNCATE mention_pending');
    await client.query('COMMIT');
    return 'truncated';
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (isLockTimeout(err)) return 'busy';
    throw err;
  } finally {
    client.release();
  }
}

function isLockTimeout(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '55P03';
}
