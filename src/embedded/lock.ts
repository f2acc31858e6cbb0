import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { OperatorError } from '../operator-error.js';
import { onProcessExit } from './exit-cleanup.js';
import { processAlive, processStartTime } from './pids.js';

const LOCK_NAME = 'earshot.lock';
/** Locks this process holds: in a container the pid repeats after a restart, so our own pid alone proves nothing. */
const held = new Set<string>();

interface LockInfo {
  pid: number;
  /** Kernel start time of that pid: a pid reused by an unrelated process does not hold the lock. */
  started: string | null;
  command: string;
  at: string;
}

export interface DataFolderLock {
  readonly file: string;
  release(): void;
}

/** Explains what the folder is set by (say `redis.dataDir in config/earshot.yaml`). */
export interface FolderSetting {
  setting: string;
}

export function lockPath(dir: string): string {
  return path.join(dir, LOCK_NAME);
}

/**
 * Creates the folder if needed. The errors name the folder and the setting, because Node's own
 * ("ENOTDIR: not a directory, mkdir ...") tell an operator neither what to change nor where.
 */
export function prepareDataFolder(dir: string, where: FolderSetting): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw folderError(dir, err, where);
  }
}

function folderError(dir: string, err: unknown, where: FolderSetting): OperatorError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  const why: Record<string, string> = {
    ENOTDIR: 'a part of that path is a file, not a folder',
    EEXIST: 'a file of that name is in the way',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full',
  };
  return new OperatorError(
    `cannot use the data folder ${dir}: ${why[code] ?? 'it cannot be written'} (${code}); set ${where.setting} to a folder this user can write`,
  );
}

/**
 * One process owns a data folder: two servers on one set of data files corrupt them, and a second
 * `earshot start` would also rewrite the first one's schedules. O_EXCL makes taking it atomic; a
 * lock left by a process that died (kill -9, power loss) is recognised by its pid and taken over.
 * `file` may sit beside the folder: initdb only fills an empty folder.
 */
export function lockDataFolder(dir: string, command: string, where: FolderSetting, file = lockPath(dir)): DataFolderLock {
  const info: LockInfo = { pid: process.pid, started: processStartTime(process.pid), command, at: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      return ownedLock(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw folderError(dir, err, where);
    }
    const holder = liveHolder(file);
    if (holder) {
      throw new OperatorError(
        `the data folder ${dir} is in use by another earshot process (pid ${holder.pid}, \`${holder.command}\`, since ${holder.at}): stop that one first, or set ${where.setting} to another folder for this one`,
      );
    }
    rmSync(file, { force: true });
  }
  throw new OperatorError(
    `the data folder ${dir} was locked by another process while this one started: try again, or set ${where.setting} to another folder`,
  );
}

/** The process named in the lock file, when it is still the one that wrote it. */
export function liveHolder(file: string): LockInfo | null {
  let info: Partial<LockInfo>;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockInfo>;
  } catch {
    // Unreadable or half-written: a crash between create and write. Nobody holds it.
    return null;
  }
  if (typeof info.pid !== 'number' || !processAlive(info.pid)) return null;
  if (info.pid === process.pid && !held.has(file)) return null;
  const started = processStartTime(info.pid);
  if (info.started && started && info.started !== started) return null;
  return { pid: info.pid, started: info.started ?? null, command: info.command ?? 'earshot', at: info.at ?? 'an unknown time' };
}

function ownedLock(file: string): DataFolderLock {
  let released = false;
  held.add(file);
  const release = () => {
    if (released) return;
    released = true;
    held.delete(file);
    unregister();
    rmSync(file, { force: true });
  };
  const unregister = onProcessExit(release);
  return { file, release };
}
