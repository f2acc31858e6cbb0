import type { PoolClient } from 'pg';
import type { Db } from '../postgres/pool.js';

export interface OutboxRow {
  id: number;
  queue: string;
  jobId: string;
  data: Record<string, unknown>;
  /** The job must not run before this time (ms): an approval's undo window. */
  notBefore: number | null;
}

/** Written inside the transaction of the change that needs the job; a job id already there is kept. */
export async function addToOutbox(
  client: PoolClient,
  queue: string,
  jobId: string,
  data: Record<string, unknown>,
  notBefore: number | null = null,
): Promise<void> {
  await client.query(
    'INSERT INTO outbox (queue, job_id, data, created_at, not_before) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (job_id) DO NOTHING',
    [queue, jobId, JSON.stringify(data), Date.now(), notBefore],
  );
}

/** An undone approval: its row is settled so no sweep queues it (the job, if queued, finds the item no longer approved). */
export async function settleOutboxRow(client: PoolClient, jobId: string): Promise<void> {
  await client.query('UPDATE outbox SET sent_at = $2 WHERE job_id = $1 AND sent_at IS NULL', [jobId, Date.now()]);
}

/** Unsent rows, oldest first; `jobIds` narrows it to the rows a caller just wrote. */
export async function unsentOutbox(db: Db, options: { jobIds?: string[]; olderThan?: number; limit?: number } = {}): Promise<OutboxRow[]> {
  const { rows } = await db.query<{ id: number; queue: string; job_id: string; data: Record<string, unknown>; not_before: string | null }>(
    `SELECT id, queue, job_id, data, not_before FROM outbox WHERE sent_at IS NULL
       AND ($1::text[] IS NULL OR job_id = ANY($1)) AND ($2::bigint IS NULL OR created_at < $2)
     ORDER BY id LIMIT $3`,
    [options.jobIds ?? null, options.olderThan ?? null, options.limit ?? 100],
  );
  return rows.map((r) => ({
    id: r.id,
    queue: r.queue,
    jobId: r.job_id,
    data: r.data,
    notBefore: r.not_before === null ? null : Number(r.not_before),
  }));
}

export async function markOutboxSent(db: Db, ids: number[]): Promise<void> {
  if (ids.length) await db.query('UPDATE outbox SET sent_at = $2 WHERE id = ANY($1::bigint[]) AND sent_at IS NULL', [ids, Date.now()]);
}

/** Sent rows are only a record once their job ran; a day later they go. */
export async function pruneOutbox(db: Db, olderThan: number): Promise<void> {
  await db.query('DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < $1', [olderThan]);
}
