import type { AppContext } from '../context.js';
import { JOB_NAMES, type JobName } from '../jobs/catalog.js';
import { enqueue } from '../jobs/queues.js';
import { markOutboxSent, pruneOutbox, unsentOutbox, type OutboxRow } from '../store/outbox.js';

/** A row this young may still be on its way from the process that wrote it; the sweep leaves it alone. */
const SWEEP_GRACE_MS = 5_000;

/**
 * Enqueues outbox rows under their stable job ids, then marks them sent. A crash between the
 * two sends the row again later: BullMQ keeps one job per id, and the publish job itself
 * checks the item's state and uses the platform's idempotency key, so it still posts once.
 */
async function relay(ctx: AppContext, rows: OutboxRow[]): Promise<number> {
  const sent: number[] = [];
  for (const row of rows) {
    if (!(JOB_NAMES as readonly string[]).includes(row.queue)) continue;
    // The delay comes from the row, so a job queued late by the sweep still honours the undo window.
    const delay = row.notBefore === null ? 0 : Math.max(0, row.notBefore - Date.now());
    await enqueue(ctx.queues, row.queue as JobName, row.data as never, { jobId: row.jobId, ...(delay > 0 ? { delay } : {}) });
    sent.push(row.id);
  }
  await markOutboxSent(ctx.db, sent);
  return sent.length;
}

/** Right after the commit: the rows this caller wrote. */
export async function relayOutbox(ctx: AppContext, jobIds: string[]): Promise<number> {
  return relay(ctx, await unsentOutbox(ctx.db, { jobIds }));
}

/** Periodically (the SLA sweep's schedule): whatever a crashed or cut-off process left unsent. */
export async function sweepOutbox(ctx: AppContext, now = Date.now()): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await unsentOutbox(ctx.db, { olderThan: now - SWEEP_GRACE_MS, limit: 100 });
    total += await relay(ctx, rows);
    if (rows.length < 100) break;
  }
  await pruneOutbox(ctx.db, now - 86_400_000);
  return total;
}
