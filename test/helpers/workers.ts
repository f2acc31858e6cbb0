import type { Worker } from 'bullmq';
import type { AppContext } from '../../src/context.js';
import { startWorker, type WorkerDefinition } from '../../src/app/runner.js';
import { allWorkers } from '../../workers/index.js';

/** Runs every worker in this process, as `earshot start --role workers` would. */
export function startAllWorkers(ctx: AppContext): { close(): Promise<void> } {
  const workers: Worker[] = allWorkers.map((def) => startWorker(def as unknown as WorkerDefinition, ctx, ctx.redis));
  return { close: async () => void (await Promise.all(workers.map((w) => w.close()))) };
}
