import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/redis/embedded.js';
import { processAlive } from '../../src/embedded/pids.js';
import { baseConfig, testPrefix } from './app.js';
import { testDatabaseUrl } from './db.js';
import { waitFor } from './wait.js';
import { present } from './present.js';

/** A real `earshot start` (through tsx, so no build step), with its output kept for assertions. */
export interface CliProcess {
  child: ChildProcess;
  pid: number;
  out(): string;
  err(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function runCli(args: string[], options: { detached?: boolean } = {}): CliProcess {
  const env = { ...process.env };
  // The config decides: an inherited REDIS_URL would skip the embedded server these tests are about.
  delete env['REDIS_URL'];
  delete env['DATABASE_URL'];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, pid: present(child.pid), out: () => out, err: () => err, exited };
}

export interface Instance {
  dir: string;
  dataDir: string;
  configFile: string;
  port: number;
  prefix: string;
}

/**
 * Workers settings of every test instance. Stopping after a store restart can take several seconds on
 * a loaded machine, so the drain deadline is generous; tests about the deadline itself use SHORT_DRAIN.
 */
export const TEST_WORKERS = { concurrency: 2, lockDuration: '2s', stalledInterval: '1s', drainTimeout: '20s' };
export const SHORT_DRAIN = { workers: { ...TEST_WORKERS, drainTimeout: '3s' } };

/** A temp folder with a config on a free port and an embedded Redis in `dataDir`. */
export async function instanceConfig(overrides: Record<string, unknown> = {}, dataDir?: string): Promise<Instance> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-proc-'));
  const port = await freePort();
  const prefix = testPrefix();
  const data = dataDir ?? path.join(dir, 'data');
  writeFileSync(path.join(dir, 'posts.jsonl'), '');
  const config = baseConfig(prefix, {
    sources: [{ id: 'posts', kind: 'file', brand: 'acme', interval: '1h', options: { path: 'posts.jsonl' } }],
    api: { port },
    redis: { prefix, dataDir: data },
    // The run's PostgreSQL: these tests are about the embedded redis-server.
    database: { url: await testDatabaseUrl(prefix) },
    workers: TEST_WORKERS,
    log: { level: 'info' },
    ...overrides,
  });
  const configFile = path.join(dir, 'earshot.yaml');
  writeFileSync(configFile, JSON.stringify(config));
  return { dir, dataDir: data, configFile, port, prefix };
}

export function startInstance(inst: Instance, options: { detached?: boolean } = {}): CliProcess {
  return runCli(['start', '--config', inst.configFile], options);
}

export async function health(port: number): Promise<{ status: number; body: Record<string, unknown> } | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  } catch {
    return null;
  }
}

export async function waitHealthy(proc: CliProcess, port: number): Promise<void> {
  await waitFor(
    `earshot on port ${port} to be healthy (stderr: ${proc.err().slice(-500)})`,
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`earshot exited early with ${proc.child.exitCode}: ${proc.err()}`);
      // Running means everything started (schedules in place), not only the API answering.
      return proc.out().includes('Earshot is running') && (await health(port))?.status === 200;
    },
    40_000,
  );
}

/** What the owner wrote about its embedded server: its own pid, the server's pid and port. */
export function embeddedInfo(dataDir: string): { pid: number; redisPid: number; port: number } {
  return JSON.parse(readFileSync(path.join(dataDir, 'embedded-redis.json'), 'utf8')) as { pid: number; redisPid: number; port: number };
}

/** The pid the log line "embedded redis-server started" names (JSON logs on stdout). */
export function loggedRedisPid(out: string): number | null {
  for (const line of out.split('\n')) {
    if (!line.includes('embedded redis-server started')) continue;
    const pid = (JSON.parse(line) as { pid?: number }).pid;
    if (pid) return pid;
  }
  return null;
}

export async function waitGone(pid: number, what: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(`${what} (pid ${pid}) to exit`, () => !processAlive(pid), timeoutMs);
}

/** Leaves nothing behind when a test fails half way. */
export function killQuietly(pid: number | null | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}
