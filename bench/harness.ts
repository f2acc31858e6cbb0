import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildContext } from '../src/app/runtime.js';
import type { AppContext } from '../src/context.js';
import { configFromObject } from '../src/app/config.js';
import { enqueue } from '../src/jobs/queues.js';
import { createRedis } from '../src/redis/connection.js';
import { startEmbeddedPostgres } from '../src/postgres/embedded.js';
import { createPool } from '../src/postgres/pool.js';
import { migrate } from '../src/store/migrate.js';
import { readCsvObjects } from '../src/text/csv.js';

export const APPROVER_TOKEN = 'bench-approver-token-0123';

/** Tweet texts from the airline set (dev split), the airline handle left in as people wrote it. */
export function airlineTexts(file: string): string[] {
  return readCsvObjects(readFileSync(file, 'utf8'))
    .map((row) => row['text'] ?? '')
    .filter(Boolean);
}

/**
 * Two sources: `masto` is only polled (every second) and carries the replay; `live` listens on
 * the streaming API of a second fake, so alert latency can be measured both ways. The fakes
 * advertise a huge limit, so the request budget is raised to match (stock is 280 / 5 min).
 */
export function benchConfig(
  prefix: string,
  instance: string,
  liveInstance: string,
  slackUrl: string,
  concurrency = 4,
): Record<string, unknown> {
  const options = {
    token: 'bench-token',
    mentions: true,
    pageLimit: 80,
    maxPagesPerPoll: 100,
    backfillPages: 1,
    requestBudget: { limit: 900_000, window: '5m' },
  };
  return {
    brands: [{ id: 'acme', name: 'Acme Air', keywords: ['acme air'], handles: ['@AcmeAir'], hashtags: ['acmeair'] }],
    sources: [
      { id: 'masto', kind: 'mastodon', brand: 'acme', interval: '1s', stream: false, options: { ...options, instance } },
      { id: 'live', kind: 'mastodon', brand: 'acme', interval: '1h', stream: true, options: { ...options, instance: liveInstance } },
    ],
    // Above the probes per phase, so every probe is alerted on its own (the replay's storm of urgent posts goes to digests).
    chat: [{ id: 'slack', kind: 'slack', webhookUrl: slackUrl, maxPerMinute: 60 }],
    triage: { urgentThreshold: 70 },
    playbook: {
      signature: '— Acme Air care',
      templates: { default: 'Hi {name}, thanks for telling {brand}. We are on it.' },
      neverSay: [],
    },
    users: [{ name: 'approver', role: 'approver', token: APPROVER_TOKEN }],
    redis: { prefix },
    workers: { concurrency },
    log: { level: 'warn' },
    // "approve → reply" measures Earshot, not the undo window a team chooses (default 5 s, during which nothing is sent).
    inbox: { undoSeconds: 0 },
  };
}

export interface Harness {
  ctx: AppContext;
  configFile: string;
  workers: ChildProcess[];
  /** The bench's own PostgreSQL data folder (its postmaster.pid names the server to account CPU to). */
  pgDataDir: string;
  close(): Promise<void>;
}

/** The control side of the bench: a context on the same Redis, and N real worker processes. */
export async function openHarness(
  config: Record<string, unknown>,
  redisUrl: string,
  workerCount: number,
  nodeArgs: string[] = [],
  pgSettings: string[] = [],
): Promise<Harness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-bench-'));
  chmodSync(dir, 0o711);
  // The bench's own PostgreSQL (durable settings, as ops run it), pointed at by the workers' config.
  const pgDataDir = path.join(dir, 'pg');
  const pg = await startEmbeddedPostgres({ dataDir: pgDataDir, settings: pgSettings });
  const withDb = { ...config, database: { url: pg.url, pool: 10 } };
  const configFile = path.join(dir, 'earshot.yaml');
  writeFileSync(configFile, JSON.stringify(withDb));
  const loaded = configFromObject(withDb, { REDIS_URL: redisUrl }, configFile);
  const redis = createRedis(redisUrl);
  const db = createPool(pg.url);
  await migrate(db);
  const ctx = buildContext(loaded, redis, db, pino({ level: 'warn' }));
  const workers = Array.from({ length: workerCount }, () => startWorkerProcess(configFile, redisUrl, nodeArgs));
  return {
    ctx,
    configFile,
    workers,
    pgDataDir,
    async close() {
      await Promise.all(workers.map((w) => stopProcess(w)));
      await Promise.all(Object.values(ctx.queues).map((q) => q.close()));
      await ctx.http.close();
      await redis.quit();
      await db.end();
      await pg.stop();
      // The replay's PostgreSQL data (0.5 to 1.5 GB a run): left behind, a day of runs filled the disk.
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The heap cap `npm start` runs with (package.json), so the bench measures what ops run. */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=256'];

export function startWorkerProcess(configFile: string, redisUrl: string, nodeArgs: string[] = []): ChildProcess {
  const child = spawn(
    process.execPath,
    [...WORKER_NODE_FLAGS, ...nodeArgs, '--import', 'tsx', 'src/cli/main.ts', 'start', '--role', 'workers', '--config', configFile],
    {
      env: { ...process.env, REDIS_URL: redisUrl },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return child;
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    child.kill('SIGTERM');
  });
}

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function redisUsedMemory(ctx: AppContext): Promise<number> {
  const info = await ctx.redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

/** True when nothing is left to triage or route. */
export async function pipelineIdle(ctx: AppContext): Promise<boolean> {
  for (const q of [ctx.queues.triage, ctx.queues.route]) {
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(c).some((n) => n > 0)) return false;
  }
  return true;
}

/**
 * Runs one health job in the workers and waits for it: a running installation gets one a minute,
 * and it gives the emptied pending table's disk back, so the footprint is read as ops would see it.
 */
export async function runHealthJob(ctx: AppContext, timeoutMs = 60_000): Promise<void> {
  const jobId = `bench-health-${Date.now()}`;
  await enqueue(ctx.queues, 'health', {}, { jobId });
  const finished = async () => Boolean((await ctx.queues.health.getJob(jobId))?.finishedOn);
  await waitUntil('the health job', finished, timeoutMs);
  const job = await ctx.queues.health.getJob(jobId);
  if (job?.failedReason) throw new Error(`bench: the health job failed: ${job.failedReason}`);
}
