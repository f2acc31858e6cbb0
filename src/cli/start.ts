import type { Worker } from 'bullmq';
import { startApi } from '../api/server.js';
import { OperatorError } from '../operator-error.js';
import { openRuntime, type Runtime } from '../app/runtime.js';
import { syncSchedulers } from '../app/scheduler.js';
import type { Config } from '../config/load.js';
import { startWorker, type WorkerDefinition } from '../app/runner.js';
import { closeWorker } from '../app/worker-close.js';
import type { Logger } from '../log.js';
import { StreamRunner } from '../listen/stream.js';
import { allWorkers } from '../../workers/index.js';
import { modelStatuses } from '../drafts/alternatives.js';

export const ROLES = ['all', 'workers', 'api', 'scheduler'] as const;
export type RoleName = (typeof ROLES)[number];

export interface Running {
  stop(): Promise<void>;
  apiUrl: string | null;
  /** What stopping is waiting for now, for the operator when the drain deadline passes. */
  stopStep(): string;
}

export interface StartOptions {
  /**
   * The store is gone for good (an embedded server that could not be restarted). Registered
   * before anything else starts: startup steps that wait on the store would never finish.
   */
  onFatal?: (err: Error) => void;
}

interface Parts {
  api: { close(): Promise<void>; url: string } | null;
  streams: StreamRunner | null;
  workers: Worker[];
}

/**
 * Runs the chosen roles. The API listens first, so a busy port stops the start before any worker
 * takes a job. Stopping drains: the API stops taking requests, workers finish their active jobs
 * and take no new ones, then queues, Redis and, last, an embedded redis-server close. A start that
 * fails half way stops what it started, so nothing is left running.
 */
export async function startRoles(config: Config, role: RoleName, log: Logger, options: StartOptions = {}): Promise<Running> {
  if (role !== 'all' && !config.redis.url) {
    throw new Error(
      `--role ${role} shares work with other processes, so they need one Redis: set REDIS_URL (or redis.url in ${config.file})`,
    );
  }
  const runtime = await openRuntime(config, log, { exclusive: true, follow: true, command: `earshot start --role ${role}` });
  if (options.onFatal) runtime.onFatal(options.onFatal);
  const { ctx } = runtime;
  announceModels(ctx);
  const parts: Parts = { api: null, streams: null, workers: [] };
  let stopping: Promise<void> | null = null;
  const step = { now: 'not stopping' };
  const stop = () => (stopping ??= stopParts(parts, runtime, step));
  const has = (r: RoleName) => role === 'all' || role === r;
  try {
    if (has('api')) parts.api = await listen(runtime, config);
    if (has('workers')) {
      parts.workers = allWorkers.map((def) => startWorker(def as unknown as WorkerDefinition, ctx, ctx.redis));
      parts.streams = new StreamRunner(ctx);
      const streaming = parts.streams.start();
      if (streaming.length) log.info({ sources: streaming }, 'listening live where the platform allows it');
    }
    if (has('scheduler')) await syncSchedulers(ctx);
  } catch (err) {
    await stop();
    throw err;
  }
  return { apiUrl: parts.api?.url ?? null, stop, stopStep: () => step.now };
}

/** Says where drafting models are, and loudly when post text is sent off this machine. */
function announceModels(ctx: Runtime['ctx']): void {
  for (const m of modelStatuses(ctx)) {
    if (!m.model) continue;
    if (m.leavesMachine)
      ctx.log.warn(
        { brand: m.brandId, model: m.model, host: m.host },
        `post text leaves this machine: brand ${m.brandId} drafts with ${m.model} at ${m.host}`,
      );
    else
      ctx.log.info(
        { brand: m.brandId, model: m.model, host: m.host },
        `brand ${m.brandId} drafts with a local model (${m.model}); post text stays on this machine`,
      );
  }
}

async function stopParts(parts: Parts, runtime: Runtime, step: { now: string }): Promise<void> {
  step.now = 'closing the API';
  await parts.api?.close();
  step.now = 'stopping the live streams';
  await parts.streams?.stop();
  const open = new Set(parts.workers.map((w) => w.name));
  const jobs = () => `active jobs of the ${[...open].join(', ')} worker${open.size === 1 ? '' : 's'} to finish`;
  step.now = jobs();
  await Promise.all(
    parts.workers.map(async (w) => {
      await closeWorker(w, runtime.ctx.log);
      open.delete(w.name);
      step.now = jobs();
    }),
  );
  step.now = 'closing queues, connections and embedded servers';
  await runtime.close();
}

const LISTEN_ERRORS: Record<string, (host: string, port: number, file: string) => string> = {
  EADDRINUSE: (host, port, file) => `port ${port} is in use on ${host}: set api.port in ${file} or stop the other process`,
  EACCES: (host, port, file) => `this user may not listen on port ${port}: set api.port in ${file} to 1024 or above`,
  EADDRNOTAVAIL: (host, _port, file) =>
    `api.host ${host} is not an address of this machine: set api.host in ${file} (127.0.0.1 or 0.0.0.0)`,
};

async function listen(runtime: Runtime, config: Config): Promise<{ close(): Promise<void>; url: string }> {
  try {
    return await startApi(await runtime.apiContext());
  } catch (err) {
    const explain = LISTEN_ERRORS[(err as NodeJS.ErrnoException).code ?? ''];
    if (explain) throw new OperatorError(explain(config.api.host, config.api.port, config.file));
    throw err;
  }
}
