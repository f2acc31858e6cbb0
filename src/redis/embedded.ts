import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
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
  stop(): Promise<void>;
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

/**
 * Starts a private redis-server for this process: loopback only, a free port, AOF on, data in
 * `dataDir`, so `npm start` needs nothing running beforehand and keeps its data across restarts.
 */
export async function startEmbeddedRedis(options: { dataDir: string; log?: Logger; binary?: string }): Promise<EmbeddedRedis> {
  const binary = options.binary ?? 'redis-server';
  const dir = path.resolve(options.dataDir);
  const shared = await runningInstance(dir);
  if (shared) {
    options.log?.info({ port: shared.port }, 'using the embedded redis-server another earshot process started on this data folder');
    return { url: `redis://127.0.0.1:${shared.port}`, port: shared.port, stop: async () => {} };
  }
  if (!redisServerAvailable(binary)) throw new RedisNotInstalledError();
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec',
    '--save', '', '--protected-mode', 'yes', '--daemonize', 'no', '--logfile', '', '--loglevel', 'warning',
    // A stored mention is a hash with ~1 KB fields; above the default 64-byte limit Redis turns it
    // into a full hash table, several times larger. Listpacks this size stay fast to read.
    '--hash-max-listpack-value', '4096', '--hash-max-listpack-entries', '256'];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  await waitForPort(port, child, () => output);
  writeFileSync(lockFile(dir), JSON.stringify({ pid: process.pid, redisPid: child.pid, port }));
  options.log?.info({ port, dataDir: dir }, 'embedded redis-server started (AOF on)');
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      rmSync(lockFile(dir), { force: true });
      await stopChild(child);
    },
  };
}

function lockFile(dir: string): string {
  return path.join(dir, 'embedded-redis.json');
}

/**
 * Two redis-servers on one AOF folder would corrupt it, so a second earshot command (say
 * `earshot import` while `npm start` runs) joins the server the first one started.
 */
async function runningInstance(dir: string): Promise<{ port: number } | null> {
  let info: { pid?: number; redisPid?: number; port?: number };
  try {
    info = JSON.parse(readFileSync(lockFile(dir), 'utf8')) as typeof info;
  } catch {
    return null;
  }
  if (info.pid && info.port && processAlive(info.pid) && (await canConnect(info.port))) return { port: info.port };
  // The owner died without stopping its server (kill -9): stop the orphan before the folder is reused.
  if (info.redisPid && processAlive(info.redisPid) && isRedisProcess(info.redisPid)) await stopOrphan(info.redisPid);
  return null;
}

/** Pids get reused; only a process that really is a redis-server may be stopped. */
function isRedisProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').includes('redis');
  } catch {
    return false;
  }
}

async function stopOrphan(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (processAlive(pid)) process.kill(pid, 'SIGKILL');
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}:\n${output()}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not accept connections on port ${port} within 15s:\n${output()}`);
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

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    // SIGTERM makes redis flush the AOF before it exits.
    child.kill('SIGTERM');
  });
}
