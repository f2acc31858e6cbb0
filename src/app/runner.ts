import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { AppContext } from '../context.js';
import { RateLimitedError } from '../http/errors.js';
import { describeIssues } from '../mention.js';
import { isStoreUnavailable } from '../redis/connection.js';
import { deadLetter } from '../store/dead-letter.js';
import { JOBS, type JobData, type JobName } from '../jobs/catalog.js';
import { bullPrefix } from '../jobs/queues.js';
import { counted } from './worker-close.js';

export interface JobRun {
  app: AppContext;
  job: Job;
  signal: AbortSignal;
  /** No retry follows this attempt; handlers use it to hand the item to a human instead of throwing. */
  finalAttempt: boolean;
}

export interface WorkerDefinition<N extends JobName = JobName> {
  name: N;
  handle(data: JobData<N>, run: JobRun): Promise<unknown>;
}

export function defineWorker<N extends JobName>(name: N, handle: (data: JobData<N>, run: JobRun) => Promise<unknown>): WorkerDefinition<N> {
  return { name, handle };
}

class JobTimeoutError extends Error {}

/**
 * Wraps a handler with what every job needs: data validation (bad data is dead-lettered, never
 * retried), a timeout from the catalog, and rate limits turned into a delay that costs no attempt.
 */
async function process<N extends JobName>(def: WorkerDefinition<N>, app: AppContext, job: Job, token?: string): Promise<unknown> {
  const spec = JOBS[def.name];
  const parsed = (spec.schema as z.ZodType).safeParse(job.data);
  if (!parsed.success) {
    const reason = `job ${def.name}#${job.id}: ${describeIssues(parsed.error)}`;
    await deadLetter(app.redis, app.keys, [{ origin: `job:${def.name}`, reason, payload: job.data }]);
    throw new UnrecoverableError(reason);
  }
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new JobTimeoutError(`${def.name} job timed out after ${spec.timeoutMs} ms`));
    }, spec.timeoutMs);
  });
  const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? spec.attempts);
  try {
    return await Promise.race([def.handle(parsed.data as JobData<N>, { app, job, signal: controller.signal, finalAttempt }), timeout]);
  } catch (err) {
    if (err instanceof RateLimitedError && token) {
      await job.moveToDelayed(err.retryAt.getTime(), token);
      throw new DelayedError();
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export function startWorker(def: WorkerDefinition, app: AppContext, connection: Redis): Worker {
  const { workers } = app.config;
  // The processor runs only once the constructor has returned, so `worker` is set by then.
  const worker: Worker = new Worker(JOBS[def.name].name, (job, token) => counted(worker, () => process(def, app, job, token)), {
    connection,
    prefix: bullPrefix(app.config.redis.prefix),
    concurrency: workers.concurrency,
    lockDuration: workers.lockDuration,
    stalledInterval: workers.stalledInterval,
    maxStalledCount: 3,
  });
  worker.on('failed', (job, err) => {
    if (err instanceof DelayedError) return;
    app.log.warn({ queue: def.name, job: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed');
  });
  worker.on('error', (err) => {
    // An outage would log this per queue per reconnect attempt; createRedis logs it once, and its end.
    if (isStoreUnavailable(err)) return;
    app.log.error({ queue: def.name, err: err.message }, 'worker error');
  });
  return worker;
}
