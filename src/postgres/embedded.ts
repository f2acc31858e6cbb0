import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { OperatorError } from '../app/operator-error.js';
import { EmbeddedProcess, EmbeddedStartError } from '../embedded/process.js';
import type { Logger } from '../log.js';
import { canSignIn, ensureDatabase } from '../store/admin.js';
import { findPostgresBin, PostgresNotInstalledError, postgresUser, type SystemUser } from './binaries.js';

export interface EmbeddedPostgres {
  /** Connection URL for the `earshot` database over the unix socket in the data folder. */
  url: string;
  /** Same server, another database (tests make one per file). */
  urlFor(database: string): string;
  /** The supervised server; null when this process joined one another earshot process owns. */
  server: EmbeddedProcess | null;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  log?: Logger;
  binDir?: string;
  /** Tests: no fsync, nothing survives a crash, several times faster. */
  throwaway?: boolean;
  /** Tests only: also listen on 127.0.0.1 at this port (trust auth), so a TCP proxy can sit in front. */
  tcpPort?: number;
}

const PORT = 5432;
const USER = 'earshot';
export const DATABASE = 'earshot';

/**
 * Runs Debian's PostgreSQL for this installation: initdb into `dataDir` on first run, listening
 * only on a unix socket inside that folder (no TCP port to collide with or to expose), trust auth
 * because only the folder's owner (and root) can reach the socket. As root it runs as `postgres`.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const dir = path.resolve(options.dataDir);
  const bin = options.binDir ?? findPostgresBin();
  if (!bin) throw new PostgresNotInstalledError();
  const runAs = systemUser();
  prepareFolder(dir, runAs);
  const port = options.tcpPort ?? PORT;
  const urlFor = (db: string) => `postgresql://${USER}@${encodeURIComponent(dir)}:${port}/${db}`;
  if (await joinRunning(dir, port, options.log)) {
    await ensureDatabase(urlFor('postgres'), DATABASE);
    return { url: urlFor(DATABASE), urlFor, server: null, stop: async () => {} };
  }
  if (!existsSync(path.join(dir, 'PG_VERSION'))) initdb(bin, dir, runAs, options.log);
  const server = supervised(bin, dir, runAs, { throwaway: options.throwaway === true, port, tcp: options.tcpPort !== undefined, log: options.log }, urlFor('postgres'));
  await server.start().catch((err: unknown) => {
    throw err instanceof EmbeddedStartError ? new OperatorError(`${err.message} (data folder ${dir})`) : err;
  });
  const writeOwner = () => writeFileSync(ownerFile(dir), JSON.stringify({ pid: process.pid, postgresPid: server.pid }));
  writeOwner();
  server.on('state', (state) => state === 'up' && writeOwner());
  options.log?.info({ dataDir: dir, pid: server.pid }, 'embedded PostgreSQL started (unix socket in the data folder)');
  try {
    await ensureDatabase(urlFor('postgres'), DATABASE);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    url: urlFor(DATABASE),
    urlFor,
    server,
    stop: async () => {
      rmSync(ownerFile(dir), { force: true });
      await server.stop();
    },
  };
}

function systemUser(): SystemUser | null {
  if (process.getuid?.() !== 0) return null;
  const user = postgresUser();
  if (!user) {
    throw new Error(
      'Earshot runs as root and PostgreSQL refuses to, but there is no `postgres` system user to run it as.\n' +
        '  Install Debian\'s package (it creates the user): sudo apt-get install postgresql\n' +
        '  Or run Earshot as a normal user, or set DATABASE_URL to a running PostgreSQL.',
    );
  }
  return user;
}

/** PostgreSQL insists on a private data folder (0700) owned by the user it runs as. */
function prepareFolder(dir: string, runAs: SystemUser | null): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (runAs && statSync(dir).uid !== runAs.uid) {
    const res = spawnSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, dir], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`cannot hand ${dir} to the postgres user: ${res.stderr || res.error?.message}`);
  }
  chmodSync(dir, 0o700);
}

function ownerFile(dir: string): string {
  return path.join(dir, 'earshot-owner.json');
}

/**
 * Another earshot command (say `earshot import` while `npm start` runs) shares the server the
 * first one started: PostgreSQL's own postmaster.pid keeps a second server off the folder. A
 * server whose owner died without stopping it (kill -9 before the watchdog acted) is stopped,
 * so this process starts and supervises its own.
 */
async function joinRunning(dir: string, port: number, log?: Logger): Promise<boolean> {
  if (!(await canConnect(socketPath(dir, port)))) return false;
  let owner: number | undefined;
  try {
    owner = (JSON.parse(readFileSync(ownerFile(dir), 'utf8')) as { pid?: number }).pid;
  } catch {
    owner = undefined;
  }
  if (owner && processAlive(owner)) {
    log?.info({ dataDir: dir }, 'using the embedded PostgreSQL another earshot process started on this data folder');
    return true;
  }
  log?.warn({ dataDir: dir }, 'stopping an embedded PostgreSQL left running by an earshot process that is gone');
  await stopOrphan(dir);
  return false;
}

function initdb(bin: string, dir: string, runAs: SystemUser | null, log?: Logger): void {
  const base = ['-D', dir, '-U', USER, '--auth=trust', '--encoding=UTF8'];
  // C.UTF-8 keeps sorting byte-wise but lets pg_trgm and lower() see non-ASCII letters as letters.
  let res = spawnSync(path.join(bin, 'initdb'), [...base, '--locale=C.UTF-8'], { encoding: 'utf8', cwd: dir, ...(runAs ?? {}) });
  if (res.status !== 0) res = spawnSync(path.join(bin, 'initdb'), [...base, '--no-locale'], { encoding: 'utf8', cwd: dir, ...(runAs ?? {}) });
  if (res.status !== 0) {
    throw new Error(`initdb into ${dir} failed${runAs ? ' (run as the postgres user: every parent folder must be searchable by it)' : ''}:\n${(res.stderr || res.error?.message || '').slice(-2000)}`);
  }
  log?.info({ dataDir: dir }, 'created a new PostgreSQL data folder');
}

/** The server as a supervised process: own process group, restarted on death, stopped with Earshot. */
function supervised(bin: string, dir: string, runAs: SystemUser | null, o: { throwaway: boolean; port: number; tcp: boolean; log?: Logger | undefined }, adminUrl: string): EmbeddedProcess {
  const settings = [`listen_addresses=${o.tcp ? '127.0.0.1' : ''}`, `unix_socket_directories=${dir}`, 'unix_socket_permissions=0700', 'logging_collector=off', 'log_min_messages=warning'];
  if (o.throwaway) settings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=300');
  return new EmbeddedProcess({
    name: 'postgres',
    binary: path.join(bin, 'postgres'),
    args: ['-D', dir, '-p', String(o.port), ...settings.flatMap((s) => ['-c', s])],
    // Taking connections is not enough: a starting server answers "the database system is starting up".
    probe: async () => (await canConnect(socketPath(dir, o.port))) && canSignIn(adminUrl),
    // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the WAL is flushed.
    stopSignal: 'SIGINT',
    startTimeoutMs: 30_000,
    stopTimeoutMs: 15_000,
    spawnOptions: { cwd: dir, ...(runAs ?? {}) },
    ...(o.log ? { log: o.log } : {}),
  });
}

function socketPath(dir: string, port: number): string {
  return path.join(dir, `.s.PGSQL.${port}`);
}

function postmasterPid(dir: string): number | null {
  try {
    const pid = Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

async function stopOrphan(dir: string): Promise<void> {
  const pid = postmasterPid(dir);
  if (!pid || !processAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (processAlive(pid)) process.kill(pid, 'SIGQUIT');
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function canConnect(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(socket);
    s.once('connect', () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
