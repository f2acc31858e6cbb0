import type { Queue } from 'bullmq';
import type { AppContext } from '../../src/context.js';
import type { JobName } from '../../src/jobs/catalog.js';
import { waitFor } from './wait.js';

export type Settled = { state: 'completed' | 'failed'; attemptsMade: number; failedReason?: string };

/**
 * Waits until a job can run no more: completed, or failed with no retry left (a job that will be
 * retried sits in 'delayed', not 'failed'). Checking "nothing more happened" after this is a proof,
 * where a sleep would only be a guess about timing.
 */
export async function settledJob(ctx: AppContext, name: JobName, jobId: string, timeoutMs = 15_000): Promise<Settled> {
  const queue = ctx.queues[name];
  return waitFor(
    `job ${jobId} settled`,
    async () => {
      const state = await queue.getJobState(jobId);
      if (state !== 'completed' && state !== 'failed') return undefined;
      const job = await queue.getJob(jobId);
      return { state, attemptsMade: job?.attemptsMade ?? 0, ...(job?.failedReason ? { failedReason: job.failedReason } : {}) };
    },
    timeoutMs,
  );
}

/** Jobs of this queue that could still run (waiting, active, delayed, prioritized), optionally of one job id prefix. */
export async function pendingJobs(queue: Queue, idPrefix = ''): Promise<string[]> {
  const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
  return jobs.map((j) => j.id ?? '').filter((id) => id.startsWith(idPrefix));
}

/** Waits until no job of the queue (with this id prefix) can still run. */
export async function drained(ctx: AppContext, name: JobName, idPrefix = '', timeoutMs = 15_000): Promise<void> {
  await waitFor(`${name} queue drained`, async () => (await pendingJobs(ctx.queues[name], idPrefix)).length === 0, timeoutMs);
}

/**
 * Waits for each queue in turn, upstream first: once the triage queue is empty no route job can
 * appear, once route is empty no alert job can, so after the last one nothing more will be sent.
 */
export async function settledInOrder(ctx: AppContext, names: JobName[]): Promise<void> {
  for (const name of names) await drained(ctx, name);
}
