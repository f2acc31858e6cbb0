import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { processAlive, processName } from '../embedded/pids.js';

/**
 * Above Linux's hard pid ceiling (2^22) and macOS's 99,998: no process ever has it, so PostgreSQL
 * reads a lock file naming it as stale, exactly as for a dead pid.
 */
const NO_SUCH_PID = 4_194_305;

/** A postgres postmaster started on this data folder (`postgres -D <dir>`), as opposed to a pid reused by anything else. */
export function isPostmasterOf(pid: number, dir: string): boolean {
  if (!processAlive(pid) || processName(pid) !== 'postgres') return false;
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const at = args.indexOf('-D');
    return at >= 0 && path.resolve(args[at + 1] ?? '') === dir;
  } catch {
    return false;
  }
}

export function lockFilePid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * A server killed outright leaves postmaster.pid (and the socket's lock file) behind. PostgreSQL
 * itself ignores one naming a dead pid, but refuses to start while the pid is alive, and after a
 * reboot or in a container that pid often belongs to some other process by then. Only the pid line
 * is replaced: the shared-memory id further down is what lets PostgreSQL notice backends of the
 * old server that still run, so the file must not simply be deleted.
 */
export function neutraliseStaleLockFiles(dir: string, port: number): string[] {
  const fixed: string[] = [];
  for (const name of ['postmaster.pid', `.s.PGSQL.${port}.lock`]) {
    const file = path.join(dir, name);
    const pid = lockFilePid(file);
    if (!pid || pid === NO_SUCH_PID || !processAlive(pid) || isPostmasterOf(pid, dir)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[0] = String(NO_SUCH_PID);
    writeFileSync(file, lines.join('\n'));
    fixed.push(name);
  }
  return fixed;
}

/**
 * A postmaster still running on the folder although its earshot owner is gone (the lock was free):
 * the watchdog could not stop it (say the machine was too loaded to run it). Fast shutdown first.
 */
export async function stopOrphanPostmaster(dir: string): Promise<number | null> {
  const pid = lockFilePid(path.join(dir, 'postmaster.pid'));
  if (!pid || !isPostmasterOf(pid, dir)) return null;
  for (const [signal, waitMs] of [
    ['SIGINT', 15_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
      process.kill(pid, 'SIGCONT');
    } catch {
      return pid;
    }
    const deadline = Date.now() + waitMs;
    while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (!processAlive(pid)) return pid;
  }
  return pid;
}
