import type { StoreCtx } from './context.js';

const KEEP_MS = 7 * 86_400_000;

/** Counts one more revival of a failed job (failed-jobs.ts); the count is forgotten after a week. */
export async function countRevival(s: StoreCtx, queue: string, jobId: string): Promise<number> {
  const key = s.keys.jobRevivals(queue, jobId);
  const [[, n]] = (await s.redis.multi().incr(key).pexpire(key, KEEP_MS).exec()) as [[unknown, number], unknown];
  return Number(n);
}

export async function forgetRevival(s: StoreCtx, queue: string, jobId: string): Promise<void> {
  await s.redis.del(s.keys.jobRevivals(queue, jobId));
}
