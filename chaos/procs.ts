import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, openSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pino from 'pino';
import type { AppContext } from '../src/context.js';
import { buildContext } from '../src/app/runtime.js';
import { configFromObject } from '../src/app/config.js';
import { closeQueues } from '../src/jobs/queues.js';
import { createRedis } from '../src/redis/connection.js';
import { freePort } from '../src/redis/embedded.js';
import { startEmbeddedPostgres } from '../src/postgres/embedded.js';
import { createPool } from '../src/postgres/pool.js';
import { migrate } from '../src/store/migrate.js';
import { sleep } from './common.js';

/** Every process this suite starts; killed on exit so a suite stopped by its time cap leaves nothing running. */
const spawned = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

// Ctrl-C or a kill of the suite goes through process.exit, so the handler above runs.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => process.exit(130));

function track(child: ChildProcess): ChildProcess {
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
  return child;
}

export interface Control {
  ctx: AppContext;
  configFile: string;
  close(): Promise<void>;
}

/**
 * The control side: a throwaway PostgreSQL in `dir`, the config the worker processes read
 * (pointing at it), and a context on the same Redis and database.
 */
export async function openControl(
  config: Record<string, unknown>,
  redisUrl: string,
  dir: string,
  options: { durable?: boolean } = {},
): Promise<Control> {
  chmodSync(dir, 0o711);
  // Durable (fsync, synchronous commit) when the scenario stops PostgreSQL: without it an
  // immediate shutdown may drop commits already acknowledged, by configuration, not by a bug.
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), throwaway: !options.durable });
  const withDb = { ...config, database: { url: pg.url } };
  const configFile = path.join(dir, 'earshot.json');
  writeFileSync(configFile, JSON.stringify(withDb));
  const loaded = configFromObject(withDb, { REDIS_URL: redisUrl }, configFile);
  const redis = createRedis(redisUrl, undefined, 'chaos-control');
  const db = createPool(pg.url);
  await migrate(db);
  const ctx = buildContext(loaded, redis, db, pino({ level: 'silent' }));
  return {
    ctx,
    configFile,
    async close() {
      await closeQueues(ctx.queues).catch(() => undefined);
      await ctx.http.close().catch(() => undefined);
      await redis.quit().catch(() => redis.disconnect());
      await db.end().catch(() => undefined);
      await pg.stop();
    },
  };
}

/** Real `earshot start --role workers` processes; their stderr goes to a file so kills do not flood the report. */
export class WorkerPool {
  readonly live: ChildProcess[] = [];
  kills = 0;
  private readonly logFd: number;

  constructor(
    private readonly configFile: string,
    private readonly redisUrl: string,
    logFile: string,
  ) {
    this.logFd = openSync(logFile, 'a');
  }

  spawn(): ChildProcess {
    const child = track(
      spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start', '--role', 'workers', '--config', this.configFile], {
        env: { ...process.env, REDIS_URL: this.redisUrl },
        stdio: ['ignore', this.logFd, this.logFd],
      }),
    );
    this.live.push(child);
    return child;
  }

  /** SIGKILL a random live worker: no drain, no lock release, exactly what a crash or OOM kill does. */
  killRandom(): number {
    const victim = this.live.splice(Math.floor(Math.random() * this.live.length), 1)[0];
    if (!victim?.pid) return 0;
    victim.kill('SIGKILL');
    this.kills += 1;
    return victim.pid;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.live.splice(0).map((child) => stopChild(child, 'SIGTERM', 15_000)));
    closeSync(this.logFd);
  }
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    child.kill(signal);
  });
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.end(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * A redis-server this suite controls completely (pid, signal, restart on the same port and data
 * folder), with the same AOF settings as the embedded one: appendonly yes, appendfsync everysec.
 */
export class RedisServer {
  private child: ChildProcess | null = null;
  port = 0;

  constructor(
    private readonly dir: string,
    private readonly extra: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port ||= await freePort();
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--daemonize',
      'no',
      '--logfile',
      path.join(this.dir, 'redis.log'),
      ...this.extra,
    ];
    this.child = track(spawn('redis-server', args, { stdio: 'ignore' }));
    const deadline = Date.now() + 20_000;
    while (!(await canConnect(this.port))) {
      if (this.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`redis-server on ${this.port} did not start (see ${this.dir}/redis.log)`);
      await sleep(50);
    }
    return this;
  }

  /** SIGTERM: redis fsyncs the AOF and exits. SIGKILL: whatever the last everysec fsync wrote is what survives. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child) await stopChild(this.child, signal, 10_000);
    this.child = null;
  }
}
