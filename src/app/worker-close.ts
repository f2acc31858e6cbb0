import type { Worker } from 'bullmq';
import type { Logger } from '../log.js';

const active = new WeakMap<object, number>();

/** Counts a job of `owner` while `run` goes (the processor of runner.ts). */
export async function counted<T>(owner: object, run: () => Promise<T>): Promise<T> {
  active.set(owner, (active.get(owner) ?? 0) + 1);
  try {
    return await run();
  } finally {
    active.set(owner, (active.get(owner) ?? 1) - 1);
  }
}

export function activeJobs(owner: object): number {
  return active.get(owner) ?? 0;
}

const TICK_MS = 100;

/**
 * Worker.close waits for the worker's jobs, then for its blocking Redis connection to end. After
 * an embedded redis-server restart that connection can be left reconnecting, and its end never
 * comes (bullmq #2430, #4656): the drain then waited out workers.drainTimeout and exited 1 with
 * no job running. So a worker with no job of ours running for `idleGraceMs` is left to the exit
 * (its connection is dropped); a worker with a running job is still waited for, as long as the
 * job takes (each has its catalog timeout).
 */
export async function closeWorker(
  w: Pick<Worker, 'close' | 'disconnect' | 'name'>,
  log: Logger,
  idleGraceMs = 3_000,
  running: () => number = () => activeJobs(w),
): Promise<void> {
  const closing = w.close();
  let idleSince: number | null = null;
  for (;;) {
    const done = await Promise.race([closing.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), TICK_MS))]);
    if (done) return;
    idleSince = running() > 0 ? null : (idleSince ?? Date.now());
    const idleFor = idleSince === null ? 0 : Date.now() - idleSince;
    if (idleFor < idleGraceMs) continue;
    closing.catch(() => undefined);
    await Promise.resolve(w.disconnect()).catch(() => undefined);
    log.warn(
      { queue: w.name, waitedMs: idleFor },
      'worker did not close with no job running (its Redis connection is reconnecting); dropped it',
    );
    return;
  }
}
