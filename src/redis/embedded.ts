import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { OperatorError } from '../operator-error.js';
import { lockDataFolder, prepareDataFolder } from '../embedded/lock.js';
import { processAlive, processName } from '../embedded/pids.js';
import { EmbeddedProcess, EmbeddedStartError } from '../embedded/process.js';
import type { Logger } from '../log.js';

export class RedisNotInstalledError extends Error {
  constructor() {
    super(
      'redis-server is not installed, and no REDIS_URL is set.\n' +
        '  Install it: sudo apt-get install redis-server   (Debian/Ubuntu)   or   brew install redis   (macOS)\n' +
        '  Or point Earshot at a running Redis: REDIS_URL=redis://host:6379 npm start',
    );
    this.name = 'RedisNotInstalledError';
  }
}

export interface EmbeddedRedis {
  url: string;
  port: number;
  /** The supervised server; null when this process joined one another earshot process owns. */
  server: EmbeddedProcess | null;
  stop(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  dataDir: string;
  log?: Logger;
  binary?: string;
  /**
   * `earshot start` owns the folder or refuses to run. Short commands (`earshot import` while
   * `earshot start` runs) join the owner's server instead: two servers on one AOF folder would corrupt it.
   */
  exclusive?: boolean;
  /** Written into the lock so a refusal can say who holds the folder. */
  command?: string;
  /** What sets the folder, for error messages. */
  setting?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function redisServerAvailable(binary = 'redis-server'): boolean {
  const probe = spawnSync(binary, ['--version'], { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

function redisArgs(port: number, dir: string): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
    '--logfile',
    '',
    '--loglevel',
    'warning',
    // A stored mention is a hash with ~1 KB fields; above the default 64-byte limit Redis turns it
    // into a full hash table, several times larger. Listpacks this size stay fast to read.
    '--hash-max-listpack-value',
    '4096',
    '--hash-max-listpack-entries',
    '256',
  ];
}

/**
 * Starts a private redis-server for this process: loopback only, a free port, AOF on, data in
 * `dataDir`, so `npm start` needs nothing running beforehand and keeps its data across restarts.
 * It is restarted on the same port and data if it dies (see EmbeddedProcess).
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const binary = options.binary ?? 'redis-server';
  const dir = path.resolve(options.dataDir);
  const where = { setting: options.setting ?? 'redis.dataDir' };
  if (!options.exclusive) {
    const shared = await runningInstance(dir);
    if (shared) {
      options.log?.info({ port: shared.port }, 'using the embedded redis-server another earshot process started on this data folder');
      return { url: `redis://127.0.0.1:${shared.port}`, port: shared.port, server: null, stop: async () => {} };
    }
  }
  if (!redisServerAvailable(binary)) throw new RedisNotInstalledError();
  prepareDataFolder(dir, where);
  const lock = lockDataFolder(dir, options.command ?? 'earshot', where);
  try {
    await stopOrphan(dir);
    const port = await freePort();
    const server = new EmbeddedProcess({
      name: 'redis-server',
      binary,
      args: redisArgs(port, dir),
      probe: () => canConnect(port),
      log: options.log,
    });
    await server.start().catch((err: unknown) => {
      throw err instanceof EmbeddedStartError ? new OperatorError(`${err.message} (data folder ${dir})`) : err;
    });
    writeFileSync(infoFile(dir), JSON.stringify({ pid: process.pid, redisPid: server.pid, port }));
    server.on(
      'state',
      (state) => state === 'up' && writeFileSync(infoFile(dir), JSON.stringify({ pid: process.pid, redisPid: server.pid, port })),
    );
    options.log?.info({ port, pid: server.pid, dataDir: dir }, 'embedded redis-server started (AOF on)');
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      server,
      stop: async () => {
        rmSync(infoFile(dir), { force: true });
        await server.stop();
        lock.release();
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}

function infoFile(dir: string): string {
  return path.join(dir, 'embedded-redis.json');
}

function readInfo(dir: string): { pid?: number; redisPid?: number; port?: number } | null {
  try {
    return JSON.parse(readFileSync(infoFile(dir), 'utf8')) as { pid?: number; redisPid?: number; port?: number };
  } catch {
    return null;
  }
}

async function runningInstance(dir: string): Promise<{ port: number } | null> {
  const info = readInfo(dir);
  if (info?.pid && info.port && processAlive(info.pid) && (await canConnect(info.port))) return { port: info.port };
  return null;
}

/** The owner died without stopping its server (kill -9 and no watchdog): stop the orphan before the folder is reused. */
async function stopOrphan(dir: string): Promise<void> {
  const pid = readInfo(dir)?.redisPid;
  // Pids get reused; only a process that really is a redis-server may be stopped.
  if (!pid || !processAlive(pid) || !processName(pid)?.includes('redis')) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (processAlive(pid)) process.kill(pid, 'SIGKILL');
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
