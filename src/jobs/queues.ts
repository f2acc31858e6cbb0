import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOBS, JOB_NAMES, type JobData, type JobName } from './catalog.js';

export type Queues = { [N in JobName]: Queue };

import { bullPrefix } from '../store/keys.js';

/** BullMQ's own keys live under this prefix (store/keys.ts, with every other key family). */
export { bullPrefix };

export function defaultJobOptions(name: JobName): JobsOptions {
  const spec = JOBS[name];
  return {
    attempts: spec.attempts,
    backoff: spec.backoff,
    removeOnComplete: { count: spec.keep.completed },
    removeOnFail: { count: spec.keep.failed },
  };
}

export function createQueues(connection: Redis, prefix: string): Queues {
  const entries = JOB_NAMES.map((name) => {
    const queue = new Queue(JOBS[name].name, { connection, prefix: bullPrefix(prefix), defaultJobOptions: defaultJobOptions(name) });
    // Without a listener BullMQ prints a stack trace per queue per reconnect attempt while Redis is
    // down; createRedis already logs the outage once and its recovery, and commands wait it out.
    queue.on('error', () => undefined);
    return [name, queue];
  });
  return Object.fromEntries(entries) as Queues;
}

/** Adds one job after checking its data against the catalog, so a producer bug fails loudly here, not in a worker. */
export async function enqueue<N extends JobName>(queues: Queues, name: N, data: JobData<N>, opts: JobsOptions = {}): Promise<void> {
  const parsed = JOBS[name].schema.parse(data);
  await queues[name].add(JOBS[name].name, parsed, opts);
}

export async function enqueueBulk<N extends JobName>(
  queues: Queues,
  name: N,
  jobs: Array<{ data: JobData<N>; opts?: JobsOptions }>,
): Promise<void> {
  if (jobs.length === 0) return;
  await queues[name].addBulk(
    jobs.map((j) => ({ name: JOBS[name].name, data: JOBS[name].schema.parse(j.data), opts: { ...defaultJobOptions(name), ...j.opts } })),
  );
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}
