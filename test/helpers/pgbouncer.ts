import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/redis/embedded.js';

export interface Bouncer {
  /** `postgresql://earshot@127.0.0.1:<port>/<db>` through the pooler. */
  urlFor(database: string): string;
  /** What PgBouncer logged, for the assertion that it saw no protocol errors. */
  log(): string;
  close(): Promise<void>;
}

const BINARIES = ['/usr/sbin/pgbouncer', 'pgbouncer'];

function binary(): string {
  for (const b of BINARIES) {
    const probe = spawnSync(b, ['--version'], { stdio: 'ignore' });
    if (!probe.error && probe.status === 0) return b;
  }
  throw new Error('pgbouncer is not installed: sudo apt-get install pgbouncer (.ci/run installs it)');
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket.end() && true));
    socket.once('error', () => resolve(false));
  });
}

/**
 * A real PgBouncer in transaction mode in front of the test PostgreSQL (over TCP). `poolSize`
 * server connections are shared by every client, so anything that relied on session state
 * (prepared statements, session advisory locks, SET) would land on another client's session.
 */
export async function startBouncer(target: { host: string; port: number }, poolSize = 2): Promise<Bouncer> {
  const bin = binary();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-bouncer-'));
  // PgBouncer refuses to run as root; as root it runs as `postgres`, which must read its folder.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const ini = path.join(dir, 'pgbouncer.ini');
  writeFileSync(path.join(dir, 'users.txt'), '"earshot" ""\n', { mode: 0o644 });
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${target.host} port=${target.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 200',
      // Hand out server connections in turn rather than the last used one, so that a client's
      // next transaction really does land on another session.
      'server_round_robin = 1',
      'log_connections = 0',
      'log_disconnections = 0',
    ].join('\n') + '\n',
    { mode: 0o644 },
  );
  const runAs = process.getuid?.() === 0 ? ['-u', 'postgres'] : [];
  const child: ChildProcess = spawn(bin, [...runAs, ini], { stdio: ['ignore', 'pipe', 'pipe'] });
  // A test that times out never reaches close(): the pooler must not outlive the test process.
  const stop = () => child.kill('SIGTERM');
  process.once('exit', stop);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`pgbouncer did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    urlFor: (database) => `postgresql://earshot@127.0.0.1:${port}/${database}`,
    log: () => output,
    async close() {
      process.off('exit', stop);
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
