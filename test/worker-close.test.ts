import { describe, expect, it } from 'vitest';
import type { Logger } from '../src/log.js';
import { activeJobs, closeWorker, counted } from '../src/app/worker-close.js';

function fakeWorker() {
  let disconnected = 0;
  let finish: () => void = () => undefined;
  const closing = new Promise<void>((r) => (finish = r));
  return {
    w: { name: 'draft', close: () => closing, disconnect: async () => void (disconnected += 1) },
    finish: () => finish(),
    disconnected: () => disconnected,
  };
}

function capture(): { log: Logger; warned: unknown[] } {
  const warned: unknown[] = [];
  return { log: { warn: (fields: unknown) => warned.push(fields) } as unknown as Logger, warned };
}

describe('closing a worker at drain', () => {
  it('waits for a close that completes, and drops nothing', async () => {
    const f = fakeWorker();
    const { log, warned } = capture();
    setTimeout(f.finish, 150);
    await closeWorker(f.w, log, 1_000, () => 0);
    expect([f.disconnected(), warned.length]).toEqual([0, 0]);
  });

  it('drops a worker whose close hangs with no job running, after the grace', async () => {
    const f = fakeWorker();
    const { log, warned } = capture();
    const t = Date.now();
    await closeWorker(f.w, log, 300, () => 0);
    expect(Date.now() - t).toBeGreaterThanOrEqual(300);
    expect(f.disconnected()).toBe(1);
    expect(warned).toEqual([expect.objectContaining({ queue: 'draft' })]);
  });

  it('keeps waiting while a job of the worker is running', async () => {
    const f = fakeWorker();
    const { log } = capture();
    let jobs = 1;
    setTimeout(() => (jobs = 0), 600);
    const t = Date.now();
    await closeWorker(f.w, log, 200, () => jobs);
    // 600 ms of a running job, then the 200 ms grace with none.
    expect(Date.now() - t).toBeGreaterThanOrEqual(750);
    expect(f.disconnected()).toBe(1);
  });

  it('counts the jobs running for an owner, also when one throws', async () => {
    const owner = {};
    let seen = -1;
    await counted(owner, async () => void (seen = activeJobs(owner)));
    await expect(counted(owner, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect([seen, activeJobs(owner)]).toEqual([1, 0]);
  });
});
