import type { AppContext } from '../context.js';
import { enqueueBulk } from '../jobs/queues.js';
import { pendingBefore } from '../store/mentions.js';
import { batchJobId, chunk } from './batch-id.js';

/** Long past a job's normal wait: a mention pending this long lost its job (a Redis that lost data, a failed enqueue). */
export const PENDING_SWEEP_AFTER_MS = 60_000;
const SWEEP_MAX = 10_000;
const BATCH = 100;

/**
 * Hands mentions stored but not routed for over a minute back to the route job, so a job lost
 * between the insert and routing does not strand them. The job ids are the batches' own: a
 * batch still queued or just done is not queued again, and routing twice is safe anyway.
 */
export async function sweepPending(ctx: AppContext, now: number = Date.now()): Promise<number> {
  const ids = await pendingBefore(ctx.db, now - PENDING_SWEEP_AFTER_MS, SWEEP_MAX);
  await enqueueBulk(
    ctx.queues,
    'triage',
    chunk(ids, BATCH).map((batch) => ({ data: { mentionIds: batch }, opts: { jobId: batchJobId('triage', batch) } })),
  );
  return ids.length;
}
