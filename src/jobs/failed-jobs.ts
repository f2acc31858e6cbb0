import type { z } from 'zod';
import type { Logger } from '../log.js';
import type { StoreCtx } from '../store/context.js';
import { deadLetter } from '../store/dead-letter.js';
import { countRevival, forgetRevival } from '../store/job-revivals.js';
import { JOBS, type JobName } from './catalog.js';
import type { Queues } from './queues.js';

/**
 * Queues whose jobs carry work nothing else redoes: a batch to triage or route, an alert, a
 * reply to post. Polls, the SLA sweep and the health check come round again on their schedule.
 */
const RECONCILED: JobName[] = ['triage', 'route', 'alert', 'publish'];
/** A job revived this many times and failed again is a problem for a person, not an outage. */
export const MAX_REVIVALS = 3;
const BATCH = 200;

export interface Reconciled {
  revived: number;
  deadLettered: number;
}

/**
 * Jobs that used up their attempts while Redis or PostgreSQL was down (every retry landed in the
 * outage) would otherwise sit in BullMQ's failed list for good, and with them a batch that is
 * never routed or a reply never posted. This runs every minute while both stores answer: each
 * failed job gets its attempts back and runs again (the handlers are safe to repeat), up to
 * MAX_REVIVALS times; one that still fails is dead-lettered with its last error, where an admin
 * sees it (/api/dead-letters), and leaves the failed list. Jobs whose data is invalid were
 * dead-lettered when they failed and are only removed.
 */
/** What the reconciliation touches: the queues, the store for revival counts and dead letters, a log. */
export type ReconcileCtx = StoreCtx & { queues: Queues; log: Logger };

export async function reconcileFailedJobs(ctx: ReconcileCtx, options: { minAgeMs?: number; now?: number } = {}): Promise<Reconciled> {
  const { minAgeMs = 30_000, now = Date.now() } = options;
  const out: Reconciled = { revived: 0, deadLettered: 0 };
  for (const name of RECONCILED) {
    for (const job of await ctx.queues[name].getFailed(0, BATCH - 1)) {
      // A job that failed moments ago may belong to an outage still going on.
      if (!job?.id || (job.finishedOn ?? now) > now - minAgeMs) continue;
      try {
        if (!(JOBS[name].schema as z.ZodType).safeParse(job.data).success) {
          await job.remove();
          continue;
        }
        if ((await countRevival(ctx, name, job.id)) <= MAX_REVIVALS) {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          out.revived += 1;
          continue;
        }
        const reason = `job ${name}#${job.id} failed after ${MAX_REVIVALS} revivals: ${job.failedReason ?? 'no reason recorded'}`;
        await deadLetter(ctx.redis, ctx.keys, [{ origin: `job:${name}`, reason, payload: job.data }]);
        await job.remove();
        await forgetRevival(ctx, name, job.id);
        out.deadLettered += 1;
      } catch (err) {
        // Another process's reconciler got to it first (it is no longer failed): nothing to do.
        ctx.log.debug({ queue: name, job: job.id, err: (err as Error).message }, 'failed job already handled');
      }
    }
  }
  if (out.revived || out.deadLettered)
    ctx.log.warn(out, 'failed jobs: revived the ones an outage exhausted, dead-lettered the ones that keep failing');
  return out;
}
