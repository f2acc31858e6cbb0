import type { Worker } from 'bullmq';
import { startApi } from '../api/server.js';
import { openRuntime } from '../app/runtime.js';
import { syncSchedulers } from '../app/scheduler.js';
import type { Config } from '../config/load.js';
import { startWorker, type WorkerDefinition } from '../jobs/runner.js';
import type { Logger } from '../log.js';
import { StreamRunner } from '../pipeline/stream.js';
import { allWorkers } from '../../workers/index.js';

export const ROLES = ['all', 'workers', 'api', 'scheduler'] as const;
export type RoleName = (typeof ROLES)[number];

export interface Running {
  stop(): Promise<void>;
  apiUrl: string | null;
}

/**
 * Runs the chosen roles. Stopping drains: the API stops taking requests, workers finish their
 * active jobs and take no new ones, then queues, Redis and an embedded redis-server close.
 */
export async function startRoles(config: Config, role: RoleName, log: Logger): Promise<Running> {
  if (role !== 'all' && !config.redis.url) {
    throw new Error(`--role ${role} shares work with other processes, so they need one Redis: set REDIS_URL (or redis.url in ${config.file})`);
  }
  const runtime = await openRuntime(config, log);
  const { ctx } = runtime;
  const has = (r: RoleName) => role === 'all' || role === r;
  const workers: Worker[] = has('workers') ? allWorkers.map((def) => startWorker(def as unknown as WorkerDefinition, ctx, ctx.redis)) : [];
  const streams = has('workers') ? new StreamRunner(ctx) : null;
  const streaming = streams?.start() ?? [];
  if (streaming.length) log.info({ sources: streaming }, 'listening live where the platform allows it');
  if (has('scheduler')) await syncSchedulers(ctx);
  const api = has('api') ? await startApi(ctx) : null;
  let stopping: Promise<void> | null = null;
  return {
    apiUrl: api?.url ?? null,
    stop() {
      stopping ??= (async () => {
        await api?.close();
        await streams?.stop();
        await Promise.all(workers.map((w) => w.close()));
        await runtime.close();
      })();
      return stopping;
    },
  };
}
