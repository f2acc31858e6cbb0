import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { childPids, processAlive, processGroup } from '../src/embedded/pids.js';
import { lockPath } from '../src/embedded/lock.js';
import { postgresUser } from '../src/postgres/binaries.js';
import { postgresLockPath } from '../src/postgres/embedded.js';
import {
  health,
  instanceConfig,
  killQuietly,
  SHORT_DRAIN,
  runCli,
  startInstance,
  waitGone,
  type CliProcess,
  type Instance,
} from './helpers/cli-process.js';
import { exitOf, oneLine } from './helpers/cli-exit.js';
import { waitFor } from './helpers/wait.js';
import { present } from './helpers/present.js';

/** Each test boots the real CLI, a redis-server, initdb and a PostgreSQL: tens of seconds on a loaded machine. */
const TEST_TIMEOUT = 180_000;
const EXIT_WAIT = 60_000;
const started: CliProcess[] = [];
const strays: number[] = [];
const sleepers: ChildProcess[] = [];

afterEach(() => {
  for (const proc of started.splice(0)) killQuietly(proc.pid);
  for (const pid of strays.splice(0)) {
    for (const child of childPids(pid)) killQuietly(child, 'SIGCONT');
    killQuietly(pid, 'SIGCONT');
    killQuietly(pid, 'SIGQUIT');
  }
  for (const s of sleepers.splice(0)) s.kill('SIGKILL');
});

function track(proc: CliProcess): CliProcess {
  started.push(proc);
  return proc;
}

interface PgInstance extends Instance {
  pgDir: string;
}

/** An instance on its own embedded PostgreSQL (no database.url), and optionally an external Redis. */
async function pgInstance(options: { externalRedis?: boolean; pgDir?: string; shortDrain?: boolean } = {}): Promise<PgInstance> {
  const inst = await instanceConfig(options.shortDrain ? SHORT_DRAIN : {});
  // As root the server runs as `postgres`, which must be able to reach its folder.
  chmodSync(inst.dir, 0o711);
  const pgDir = options.pgDir ?? path.join(inst.dir, 'pg');
  const config = JSON.parse(readFileSync(inst.configFile, 'utf8')) as Record<string, Record<string, unknown>>;
  config['database'] = { dataDir: pgDir };
  if (options.externalRedis) config['redis'] = { ...config['redis'], url: inject('redisUrl') };
  writeFileSync(inst.configFile, JSON.stringify(config));
  return { ...inst, pgDir };
}

function postgresPid(pgDir: string): number {
  return (JSON.parse(readFileSync(path.join(pgDir, 'earshot-owner.json'), 'utf8')) as { postgresPid: number }).postgresPid;
}

async function healthyWithPg(proc: CliProcess, inst: PgInstance): Promise<number> {
  await waitFor(
    `earshot to be running (stderr: ${proc.err().slice(-500)})`,
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`earshot exited early with ${proc.child.exitCode}: ${proc.err()}`);
      return proc.out().includes('Earshot is running') && (await health(inst.port))?.status === 200;
    },
    90_000,
  );
  const pid = postgresPid(inst.pgDir);
  strays.push(pid);
  return pid;
}

async function query(pgDir: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ host: pgDir, port: 5432, user: 'earshot', database: 'earshot' });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function readyz(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('embedded PostgreSQL supervision', () => {
  it(
    'restarts a killed postgres on the same data; /healthz and /readyz report it',
    async () => {
      const inst = await pgInstance();
      const proc = track(startInstance(inst));
      const before = await healthyWithPg(proc, inst);
      const up = { name: 'postgres', embedded: true, state: 'up', restarts: 0 };
      expect((await health(inst.port))?.body).toEqual({
        ok: true,
        store: { name: 'redis', embedded: true, state: 'up', restarts: 0 },
        database: up,
      });
      expect((await readyz(inst.port)).body).toMatchObject({ ok: true, database: up });
      await query(inst.pgDir, "CREATE TABLE kept AS SELECT 'yes' AS v");

      process.kill(before, 'SIGKILL');
      const back = await waitFor(
        'postgres to be back',
        async () => {
          const h = await health(inst.port);
          return h?.status === 200 && (h.body['database'] as { restarts: number }).restarts === 1 ? h : undefined;
        },
        90_000,
      );
      expect(back.body).toMatchObject({ ok: true, database: { state: 'up', restarts: 1 } });
      const after = postgresPid(inst.pgDir);
      strays.push(after);
      expect(after).not.toBe(before);
      expect(await query(inst.pgDir, 'SELECT v FROM kept')).toEqual([{ v: 'yes' }]);
      // The pool reconnects: its idle connections died with the server, and that did not crash Earshot.
      expect((await readyz(inst.port)).status).toBe(200);

      proc.child.kill('SIGTERM');
      expect(await exitOf(proc, EXIT_WAIT)).toEqual({ code: 0, signal: null });
      await waitGone(after, 'the embedded postgres');
      expect(existsSync(postgresLockPath(inst.pgDir))).toBe(false);
    },
    TEST_TIMEOUT,
  );

  it(
    'gives up with one line and exit 1 when postgres cannot be restarted, leaving nothing behind',
    async () => {
      const inst = await pgInstance();
      const proc = track(startInstance(inst));
      const pid = await healthyWithPg(proc, inst);
      // Without PG_VERSION the folder is no data folder: every restart fails at once.
      rmSync(path.join(inst.pgDir, 'PG_VERSION'));
      process.kill(pid, 'SIGKILL');

      const exit = await exitOf(proc, 120_000);
      expect(exit.code).toBe(1);
      expect(proc.err()).toMatch(/^earshot: the embedded postgres stopped and could not be restarted: .*Earshot is stopping$/m);
      expect(existsSync(postgresLockPath(inst.pgDir))).toBe(false);
      expect(existsSync(lockPath(inst.dataDir))).toBe(false);
    },
    TEST_TIMEOUT,
  );

  it(
    'with postgres frozen: /healthz answers 503 naming it, and SIGTERM still exits within drainTimeout',
    async () => {
      const inst = await pgInstance({ shortDrain: true });
      const proc = track(startInstance(inst));
      const pid = await healthyWithPg(proc, inst);
      // The postmaster and every backend (each backend leads its own process group).
      for (const p of [...childPids(pid), pid]) process.kill(p, 'SIGSTOP');

      const h = await health(inst.port);
      expect(h?.status).toBe(503);
      expect(h?.body).toMatchObject({ ok: false, store: { state: 'up' }, database: { name: 'postgres', embedded: true } });
      expect((h?.body['database'] as { state: string }).state).not.toBe('up');

      proc.child.kill('SIGTERM');
      const exit = await exitOf(proc, EXIT_WAIT);
      expect(exit.code).toBe(1);
      expect(proc.err()).toMatch(
        /stopping took longer than workers\.drainTimeout \(3s\) while waiting for (active jobs of|closing|stopping)/,
      );
      // The exit handler continues the frozen server and its backends so it acts on its SIGINT.
      await waitGone(pid, 'the frozen postgres', 30_000);
      expect(existsSync(postgresLockPath(inst.pgDir))).toBe(false);
    },
    TEST_TIMEOUT,
  );
});

describe('embedded PostgreSQL and signals', () => {
  it(
    'Ctrl-C reaches Earshot only; Earshot drains and stops postgres itself, last',
    async () => {
      const inst = await pgInstance();
      const proc = track(startInstance(inst, { detached: true }));
      const pid = await healthyWithPg(proc, inst);
      expect(processGroup(pid)).not.toBe(proc.pid);

      process.kill(-proc.pid, 'SIGINT');
      expect(await exitOf(proc, EXIT_WAIT)).toEqual({ code: 0, signal: null });
      expect(proc.out()).toContain('stopped cleanly');
      expect(proc.out()).not.toMatch(/postgres connection problem|ECONNREFUSED|terminating connection/);
      await waitGone(pid, 'the embedded postgres');
    },
    TEST_TIMEOUT,
  );

  it(
    'a killed Earshot leaves no postgres running, and a leftover postmaster.pid naming a live pid does not block the next start',
    async () => {
      const inst = await pgInstance();
      const proc = track(startInstance(inst));
      const pid = await healthyWithPg(proc, inst);
      process.kill(proc.pid, 'SIGKILL');
      await exitOf(proc, EXIT_WAIT);
      await waitGone(pid, 'the orphaned postgres', 30_000);

      // What a server killed outright leaves, after its pid went to another process of the same user.
      const user = process.getuid?.() === 0 ? postgresUser() : null;
      const sleeper = spawn('sleep', ['600'], { stdio: 'ignore', ...(user ?? {}) });
      sleepers.push(sleeper);
      await waitFor('the sleeper', () => Boolean(sleeper.pid && processAlive(sleeper.pid)));
      writeFileSync(
        path.join(inst.pgDir, 'postmaster.pid'),
        `${sleeper.pid}\n${inst.pgDir}\n1700000000\n5432\n${inst.pgDir}\n\n  5432001         0\nready   \n`,
      );
      if (user) chmodSync(path.join(inst.pgDir, 'postmaster.pid'), 0o644);

      const again = track(startInstance(inst));
      const next = await healthyWithPg(again, inst);
      expect(next).not.toBe(sleeper.pid);
      again.child.kill('SIGTERM');
      expect((await exitOf(again)).code).toBe(0);
      await waitGone(next, 'the embedded postgres');
    },
    TEST_TIMEOUT,
  );
});

describe('embedded PostgreSQL: refusing to start', () => {
  it(
    'with an external Redis, a second start on the same PostgreSQL folder refuses; short commands still join',
    async () => {
      const first = await pgInstance({ externalRedis: true });
      const proc = track(startInstance(first));
      const pid = await healthyWithPg(proc, first);

      const second = await pgInstance({ externalRedis: true, pgDir: first.pgDir });
      const other = track(startInstance(second));
      expect((await exitOf(other)).code).toBe(1);
      const escaped = first.pgDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      expect(oneLine(other.err())).toMatch(
        new RegExp(
          `^earshot: the data folder ${escaped} is in use by another earshot process \\(pid ${proc.pid}, .*set database\\.dataDir in .* to another folder`,
        ),
      );

      // A short command joins the running server read/write without owning it.
      const sources = track(runCli(['sources', '--config', second.configFile]));
      expect((await exitOf(sources)).code, sources.err()).toBe(0);
      expect(postgresPid(first.pgDir)).toBe(pid);
      expect(processAlive(pid)).toBe(true);
      expect((await health(first.port))?.status).toBe(200);

      proc.child.kill('SIGTERM');
      expect((await exitOf(proc, EXIT_WAIT)).code).toBe(0);
      await waitGone(pid, 'the embedded postgres');
    },
    TEST_TIMEOUT,
  );

  it(
    'a busy API port: one line, and neither postgres nor its lock left behind',
    async () => {
      const inst = await pgInstance();
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(inst.port, '127.0.0.1', resolve));
      try {
        const proc = track(startInstance(inst));
        const exit = await exitOf(proc, 90_000);
        expect(exit.code).toBe(1);
        expect(oneLine(proc.err())).toBe(
          `earshot: port ${inst.port} is in use on 127.0.0.1: set api.port in ${inst.configFile} or stop the other process`,
        );
        const line = proc
          .out()
          .split('\n')
          .find((l) => l.includes('embedded PostgreSQL started'));
        const pid = line ? (JSON.parse(line) as { pid?: number }).pid : undefined;
        expect(pid).toBeGreaterThan(0);
        await waitGone(present(pid), 'the embedded postgres');
        expect(existsSync(postgresLockPath(inst.pgDir))).toBe(false);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    },
    TEST_TIMEOUT,
  );

  it(
    'an unusable PostgreSQL folder: one line naming the folder and database.dataDir, redis-server stopped',
    async () => {
      const base = await pgInstance();
      const file = path.join(base.dir, 'not-a-folder');
      writeFileSync(file, 'x');
      const inst = await pgInstance({ pgDir: path.join(file, 'pg') });
      const proc = track(startInstance(inst));
      expect((await exitOf(proc, EXIT_WAIT)).code).toBe(1);
      expect(oneLine(proc.err())).toBe(
        `earshot: cannot use the data folder ${path.join(file, 'pg')}: a part of that path is a file, not a folder (ENOTDIR); set database.dataDir in ${inst.configFile} to a folder this user can write`,
      );
      expect(existsSync(lockPath(inst.dataDir))).toBe(false);
    },
    TEST_TIMEOUT,
  );
});
