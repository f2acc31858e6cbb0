import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { OperatorError } from '../operator-error.js';
import { lockDataFolder, prepareDataFolder, type DataFolderLock } from '../embedded/lock.js';
import { processAlive } from '../embedded/pids.js';
import { EmbeddedProcess, EmbeddedStartError } from '../embedded/process.js';
import type { Logger } from '../log.js';
import { canSignIn, ensureDatabase } from '../store/admin.js';
import { findPostgresBin, PostgresNotInstalledError, postgresUser, type SystemUser } from './binaries.js';
import { neutraliseStaleLockFiles, stopOrphanPostmaster } from './leftovers.js';
import { durableSettings, mergedSettings } from './server-settings.js';

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
  /** `earshot start` owns the folder or refuses; short commands join the owner's server (see startEmbeddedRedis). */
  exclusive?: boolean;
  /** Written into the lock so a refusal can say who holds the folder. */
  command?: string;
  /** What sets the folder, for error messages. */
  setting?: string;
  /** More server settings (`name=value`), e.g. the bench's statement statistics. */
  settings?: string[];
}

const PORT = 5432;
const USER = 'earshot';
export const DATABASE = 'earshot';

/** Beside the folder, not in it: initdb only fills an empty folder. */
export function postgresLockPath(dataDir: string): string {
  return `${path.resolve(dataDir)}.earshot.lock`;
}

/**
 * Runs Debian's PostgreSQL for this installation: initdb into `dataDir` on first run, listening
 * only on a unix socket inside that folder (no TCP port to collide with or to expose), trust auth
 * because only the folder's owner (and root) can reach the socket. As root it runs as `postgres`.
 * Supervised like the embedded redis-server: own process group, restarted on the same data when it
 * dies, stopped by a watchdog if Earshot is killed (see EmbeddedProcess).
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const dir = path.resolve(options.dataDir);
  const port = options.tcpPort ?? PORT;
  const urlFor = (db: string) => `postgresql://${USER}@${encodeURIComponent(dir)}:${port}/${db}`;
  if (!options.exclusive && (await ownerRunning(dir, port))) {
    options.log?.info({ dataDir: dir }, 'using the embedded PostgreSQL another earshot process started on this data folder');
    await signInPossible(urlFor('postgres'));
    await ensureDatabase(urlFor('postgres'), DATABASE);
    return { url: urlFor(DATABASE), urlFor, server: null, stop: async () => {} };
  }
  const bin = options.binDir ?? findPostgresBin();
  if (!bin) throw new PostgresNotInstalledError();
  const runAs = systemUser();
  const where = { setting: options.setting ?? 'database.dataDir' };
  prepareDataFolder(dir, where);
  const lock = lockDataFolder(dir, options.command ?? 'earshot', where, postgresLockPath(dir));
  let server: EmbeddedProcess | null = null;
  try {
    handOver(dir, runAs);
    const orphan = await stopOrphanPostmaster(dir);
    if (orphan)
      options.log?.warn({ pid: orphan, dataDir: dir }, 'stopped an embedded PostgreSQL left running by an earshot process that is gone');
    if (!existsSync(path.join(dir, 'PG_VERSION'))) initdb(bin, dir, runAs, options.log);
    server = supervised(bin, dir, runAs, port, options);
    await server.start().catch((err: unknown) => {
      throw err instanceof EmbeddedStartError ? new OperatorError(`${err.message} (data folder ${dir})`) : err;
    });
    const owned = server;
    const writeOwner = () => writeFileSync(ownerFile(dir), JSON.stringify({ pid: process.pid, postgresPid: owned.pid }));
    writeOwner();
    server.on('state', (state) => state === 'up' && writeOwner());
    await ensureDatabase(urlFor('postgres'), DATABASE);
    options.log?.info({ dataDir: dir, pid: server.pid }, 'embedded PostgreSQL started (unix socket in the data folder)');
    return { url: urlFor(DATABASE), urlFor, server, stop: () => stopOwned(dir, owned, lock) };
  } catch (err) {
    await server?.stop();
    lock.release();
    throw err;
  }
}

/**
 * The owner's supervisor restarts a server that died; after a crash PostgreSQL recovers first and
 * refuses sessions meanwhile ("the database system is starting up"). Joining waits that out
 * (npm run chaos hit it: an immediate stop, then a process joining during recovery); a server
 * still refusing after a minute is reported by ensureDatabase.
 */
async function signInPossible(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await canSignIn(url)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
}

async function stopOwned(dir: string, server: EmbeddedProcess, lock: DataFolderLock): Promise<void> {
  rmSync(ownerFile(dir), { force: true });
  await server.stop();
  lock.release();
}

function supervised(bin: string, dir: string, runAs: SystemUser | null, port: number, options: EmbeddedOptions): EmbeddedProcess {
  const settings = [
    `listen_addresses=${options.tcpPort !== undefined ? '127.0.0.1' : ''}`,
    `unix_socket_directories=${dir}`,
    'unix_socket_permissions=0700',
    'logging_collector=off',
    'log_min_messages=warning',
  ];
  if (options.throwaway) settings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=300');
  else settings.push(...durableSettings(bin));
  settings.push(...(options.settings ?? []));
  return new EmbeddedProcess({
    name: 'postgres',
    binary: path.join(bin, 'postgres'),
    args: ['-D', dir, '-p', String(port), ...mergedSettings(settings).flatMap((s) => ['-c', s])],
    user: runAs ?? undefined,
    cwd: dir,
    // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the WAL is flushed.
    stopSignal: 'SIGINT',
    // Crash recovery after a kill replays the WAL before the server takes connections.
    startTimeoutMs: 60_000,
    stopTimeoutMs: 15_000,
    prepare: () => {
      const fixed = neutraliseStaleLockFiles(dir, port);
      if (fixed.length)
        options.log?.warn(
          { files: fixed, dataDir: dir },
          'lock files of a killed PostgreSQL named a pid now used by another process; marked them stale',
        );
    },
    // Ready means a session opens, not just a socket: during crash recovery the socket answers "starting up".
    probe: () => canSignIn(`postgresql://${USER}@${encodeURIComponent(dir)}:${port}/postgres`),
    log: options.log,
  });
}

function systemUser(): SystemUser | null {
  if (process.getuid?.() !== 0) return null;
  const user = postgresUser();
  if (!user) {
    throw new OperatorError(
      "Earshot runs as root and PostgreSQL refuses to, but there is no `postgres` system user to run it as: install Debian's package (sudo apt-get install postgresql), run Earshot as a normal user, or set DATABASE_URL to a running PostgreSQL",
    );
  }
  return user;
}

/** PostgreSQL insists on a private data folder (0700) owned by the user it runs as. */
function handOver(dir: string, runAs: SystemUser | null): void {
  if (runAs && statSync(dir).uid !== runAs.uid) {
    const res = spawnSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, dir], { encoding: 'utf8' });
    if (res.status !== 0)
      throw new OperatorError(
        `cannot hand the data folder ${dir} to the postgres user: ${oneLine(res.stderr || res.error?.message || '')}`,
      );
  }
  chmodSync(dir, 0o700);
}

function ownerFile(dir: string): string {
  return path.join(dir, 'earshot-owner.json');
}

/** Another earshot command (say `earshot import` while `npm start` runs) shares the server the first one started. */
async function ownerRunning(dir: string, port: number): Promise<boolean> {
  let owner: number | undefined;
  try {
    owner = (JSON.parse(readFileSync(ownerFile(dir), 'utf8')) as { pid?: number }).pid;
  } catch {
    return false;
  }
  return Boolean(owner && processAlive(owner) && (await canConnect(path.join(dir, `.s.PGSQL.${port}`))));
}

/**
 * The first folder above `dir` that the postgres user cannot enter (mktemp -d and home folders are
 * 0700), so the error names what to change instead of initdb's "Permission denied".
 */
export function unreachableParent(dir: string, runAs: SystemUser): string | null {
  for (let at = path.dirname(path.resolve(dir)); ; at = path.dirname(at)) {
    // Folders not made yet are made later by this process, owned by it: only existing ones can block.
    const st = existsSync(at) ? statSync(at) : null;
    const enters = !st || (st.uid === runAs.uid ? st.mode & 0o100 : st.gid === runAs.gid ? st.mode & 0o010 : st.mode & 0o001);
    if (!enters) return at;
    if (at === path.dirname(at)) return null;
  }
}

function initdb(bin: string, dir: string, runAs: SystemUser | null, log?: Logger): void {
  const blocked = runAs && unreachableParent(dir, runAs);
  if (blocked)
    throw new OperatorError(
      `PostgreSQL runs as the postgres user, which cannot enter ${blocked}: run \`chmod o+x ${blocked}\`, keep Earshot in a folder it can reach, or set DATABASE_URL`,
    );
  const base = ['-D', dir, '-U', USER, '--auth=trust', '--encoding=UTF8'];
  // C.UTF-8 keeps sorting byte-wise but lets pg_trgm and lower() see non-ASCII letters as letters.
  let res = spawnSync(path.join(bin, 'initdb'), [...base, '--locale=C.UTF-8'], { encoding: 'utf8', cwd: dir, ...(runAs ?? {}) });
  if (res.status !== 0)
    res = spawnSync(path.join(bin, 'initdb'), [...base, '--no-locale'], { encoding: 'utf8', cwd: dir, ...(runAs ?? {}) });
  if (res.status !== 0) {
    const hint = runAs ? ' (it runs as the postgres user: every parent folder must be searchable by it)' : '';
    throw new OperatorError(`initdb into ${dir} failed${hint}: ${oneLine(res.stderr || res.error?.message || '')}`);
  }
  log?.info({ dataDir: dir }, 'created a new PostgreSQL data folder');
}

function oneLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-2)
      .join(' | ')
      .slice(-400) || '(no output)'
  );
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
