import { existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { processAlive, processGroup } from '../src/embedded/pids.js';
import { lockPath } from '../src/embedded/lock.js';
import { bullPrefix } from '../src/jobs/queues.js';
import { JOBS } from '../src/jobs/catalog.js';
import { createRedis } from '../src/redis/connection.js';
import { TOKENS } from './helpers/app.js';
import {
  embeddedInfo,
  health,
  instanceConfig,
  killQuietly,
  SHORT_DRAIN,
  loggedRedisPid,
  startInstance,
  waitGone,
  waitHealthy,
  type CliProcess,
} from './helpers/cli-process.js';
import { exitOf, oneLine } from './helpers/cli-exit.js';
import { waitFor } from './helpers/wait.js';
import { present } from './helpers/present.js';

/** Each test boots the real CLI (tsx) and a redis-server; on a loaded two-core machine that alone takes seconds. */
const TEST_TIMEOUT = 120_000;
const started: CliProcess[] = [];
const redisPids: number[] = [];

function track(proc: CliProcess): CliProcess {
  started.push(proc);
  return proc;
}

afterEach(() => {
  for (const proc of started.splice(0)) killQuietly(proc.pid);
  for (const pid of redisPids.splice(0)) {
    killQuietly(pid, 'SIGCONT');
    killQuietly(pid);
  }
});

async function inbox(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/inbox`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
  return res.status;
}

/** Signing in reads the sign-in throttle in Redis. */
async function signIn(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'viewer', password: 'not-the-password' }),
  });
  return res.status;
}

describe('embedded redis-server failures', () => {
  it(
    'restarts a killed redis-server on the same data, and /healthz reports the store',
    async () => {
      const inst = await instanceConfig();
      const proc = track(startInstance(inst));
      await waitHealthy(proc, inst.port);
      const before = embeddedInfo(inst.dataDir);
      redisPids.push(before.redisPid);
      expect((await health(inst.port))?.body).toEqual({
        ok: true,
        store: { name: 'redis', embedded: true, state: 'up', restarts: 0 },
        database: { name: 'postgres', embedded: false, state: 'up' },
      });

      const redis = createRedis(`redis://127.0.0.1:${before.port}`);
      await redis.set('survives-restart', 'yes');
      // Make the write durable before the kill (AOF fsyncs once a second otherwise).
      await redis.bgrewriteaof();
      await waitFor(
        'the AOF rewrite',
        async () => !/aof_rewrite_in_progress:1|aof_rewrite_scheduled:1/.test(await redis.info('persistence')),
      );
      redis.disconnect();

      process.kill(before.redisPid, 'SIGKILL');
      const recovered = await waitFor(
        'the store to be back',
        async () => {
          const h = await health(inst.port);
          return h?.status === 200 && (h.body['store'] as { restarts: number }).restarts === 1 ? h : undefined;
        },
        30_000,
      );
      expect(recovered.body).toMatchObject({ ok: true, store: { state: 'up', restarts: 1 } });
      const after = embeddedInfo(inst.dataDir);
      redisPids.push(after.redisPid);
      expect(after.redisPid).not.toBe(before.redisPid);
      expect(after.port).toBe(before.port);
      const again = createRedis(`redis://127.0.0.1:${after.port}`);
      expect(await again.get('survives-restart')).toBe('yes');
      again.disconnect();
      expect(await inbox(inst.port)).toBe(200);

      proc.child.kill('SIGTERM');
      // The log names what went wrong when stopping after the restart fails (seen once under a full CI run).
      expect(await exitOf(proc), proc.err().slice(-3000) + proc.out().slice(-3000)).toEqual({ code: 0, signal: null });
      await waitGone(after.redisPid, 'the embedded redis-server');
    },
    TEST_TIMEOUT,
  );

  it(
    'with the store frozen: API calls answer 503, /healthz names the store, SIGTERM still exits',
    async () => {
      const inst = await instanceConfig(SHORT_DRAIN);
      const proc = track(startInstance(inst));
      await waitHealthy(proc, inst.port);
      const { redisPid } = embeddedInfo(inst.dataDir);
      redisPids.push(redisPid);
      process.kill(redisPid, 'SIGSTOP');

      const h = await health(inst.port);
      expect(h?.status).toBe(503);
      expect(h?.body).toMatchObject({ ok: false, store: { name: 'redis', state: 'unresponsive' } });
      // Before: the request waited for Redis for good. Now the API's Redis commands time out.
      expect(await signIn(inst.port)).toBe(503);
      // The inbox is read from PostgreSQL: it keeps answering while Redis is frozen.
      expect(await inbox(inst.port)).toBe(200);

      proc.child.kill('SIGTERM');
      const exit = await exitOf(proc);
      expect(exit.code).toBe(1);
      // The message names the step it was waiting for, so an operator knows what hung.
      expect(proc.err()).toMatch(
        /stopping took longer than workers\.drainTimeout \(3s\) while waiting for (active jobs of|closing|stopping)[^\n]+, so Earshot exits now/,
      );
      // The exit handler continues the frozen server so it acts on its SIGTERM.
      await waitGone(redisPid, 'the frozen redis-server');
      expect(existsSync(lockPath(inst.dataDir))).toBe(false);
    },
    TEST_TIMEOUT,
  );

  it(
    'exits non-zero with a clear message when the server cannot be restarted',
    async () => {
      const inst = await instanceConfig();
      const proc = track(startInstance(inst));
      await waitHealthy(proc, inst.port);
      const { redisPid } = embeddedInfo(inst.dataDir);
      redisPids.push(redisPid);
      // A damaged AOF manifest: every restart on this data fails at once.
      writeFileSync(path.join(inst.dataDir, 'appendonlydir', 'appendonly.aof.manifest'), 'this is not a manifest\n');
      process.kill(redisPid, 'SIGKILL');

      // Five restart attempts with backoff (about 6 s), then the drain.
      const exit = await exitOf(proc, 60_000);
      expect(exit.code).toBe(1);
      expect(proc.err()).toMatch(/earshot: the embedded redis-server stopped and could not be restarted: .*Earshot is stopping/);
      expect(existsSync(lockPath(inst.dataDir))).toBe(false);
    },
    TEST_TIMEOUT,
  );
});

describe('signals and crashes', () => {
  it(
    'Ctrl-C reaches Earshot only; Earshot drains and stops its redis-server itself',
    async () => {
      const inst = await instanceConfig();
      // Detached: the test's own process group stays out of it, like a terminal's foreground group.
      const proc = track(startInstance(inst, { detached: true }));
      await waitHealthy(proc, inst.port);
      const { redisPid } = embeddedInfo(inst.dataDir);
      redisPids.push(redisPid);
      expect(processGroup(proc.pid)).toBe(proc.pid);
      expect(processGroup(redisPid)).not.toBe(proc.pid);

      process.kill(-proc.pid, 'SIGINT');
      expect(await exitOf(proc)).toEqual({ code: 0, signal: null });
      expect(proc.out()).toContain('stopped cleanly');
      // Redis was up until Earshot no longer needed it: no connection trouble while draining.
      expect(proc.out()).not.toMatch(/redis connection problem|ECONNREFUSED/);
      await waitGone(redisPid, 'the embedded redis-server');
    },
    TEST_TIMEOUT,
  );

  it(
    'a killed Earshot does not leave its redis-server running',
    async () => {
      const inst = await instanceConfig();
      const proc = track(startInstance(inst));
      await waitHealthy(proc, inst.port);
      const { redisPid } = embeddedInfo(inst.dataDir);
      redisPids.push(redisPid);
      process.kill(proc.pid, 'SIGKILL');
      await exitOf(proc);
      await waitGone(redisPid, 'the orphaned redis-server');
    },
    TEST_TIMEOUT,
  );
});

describe('refusing to start', () => {
  it(
    'a second start on the same data folder refuses and leaves the first one as it was',
    async () => {
      const first = await instanceConfig();
      const proc = track(startInstance(first));
      await waitHealthy(proc, first.port);
      const info = embeddedInfo(first.dataDir);
      redisPids.push(info.redisPid);

      const second = await instanceConfig(
        { sources: [{ id: 'other', kind: 'file', brand: 'acme', interval: '1h', options: { path: 'posts.jsonl' } }] },
        first.dataDir,
      );
      // Same key prefix, so a second start that got as far as the schedules would replace them.
      const sameStore = await instanceConfig({
        sources: [{ id: 'other', kind: 'file', brand: 'acme', interval: '1h', options: { path: 'posts.jsonl' } }],
        redis: { prefix: first.prefix, dataDir: first.dataDir },
      });
      for (const inst of [second, sameStore]) {
        const other = track(startInstance(inst));
        const exit = await exitOf(other);
        expect(exit.code).toBe(1);
        expect(oneLine(other.err())).toMatch(
          new RegExp(
            `^earshot: the data folder ${first.dataDir} is in use by another earshot process \\(pid ${proc.pid}, .*set redis\\.dataDir in .* to another folder`,
          ),
        );
      }

      const queue = new Queue(JOBS.poll.name, {
        connection: createRedis(`redis://127.0.0.1:${info.port}`),
        prefix: bullPrefix(first.prefix),
      });
      const schedulers = (await queue.getJobSchedulers(0, -1)).map((s) => s.key ?? s.id);
      await queue.close();
      expect(schedulers).toEqual(['source-posts']);
      expect(embeddedInfo(first.dataDir)).toEqual(info);
      expect((await health(first.port))?.status).toBe(200);
      proc.child.kill('SIGTERM');
      expect((await exitOf(proc)).code).toBe(0);
    },
    TEST_TIMEOUT,
  );

  it(
    'a busy API port: one line naming the port and the fix, and no redis-server left behind',
    async () => {
      const inst = await instanceConfig();
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(inst.port, '127.0.0.1', resolve));
      try {
        const proc = track(startInstance(inst));
        const exit = await exitOf(proc);
        const redisPid = loggedRedisPid(proc.out());
        if (redisPid) redisPids.push(redisPid);
        expect(exit.code).toBe(1);
        expect(oneLine(proc.err())).toBe(
          `earshot: port ${inst.port} is in use on 127.0.0.1: set api.port in ${inst.configFile} or stop the other process`,
        );
        expect(redisPid).toBeGreaterThan(0);
        expect(processAlive(present(redisPid))).toBe(false);
        expect(existsSync(lockPath(inst.dataDir))).toBe(false);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    },
    TEST_TIMEOUT,
  );

  it(
    'an unusable data folder: one line naming the folder and the setting',
    async () => {
      const base = await instanceConfig();
      // A path through a regular file fails for root too, where a chmod would not.
      const file = path.join(base.dir, 'not-a-folder');
      writeFileSync(file, 'x');
      const inst = await instanceConfig({}, path.join(file, 'data'));
      const proc = track(startInstance(inst));
      const exit = await exitOf(proc);
      expect(exit.code).toBe(1);
      expect(oneLine(proc.err())).toBe(
        `earshot: cannot use the data folder ${path.join(file, 'data')}: a part of that path is a file, not a folder (ENOTDIR); set redis.dataDir in ${inst.configFile} to a folder this user can write`,
      );
      expect(loggedRedisPid(proc.out())).toBeNull();
    },
    TEST_TIMEOUT,
  );
});
