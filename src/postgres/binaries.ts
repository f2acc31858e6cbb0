import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { OperatorError } from '../operator-error.js';

/** One line, like every start-up problem the operator fixes (see OperatorError). */
export class PostgresNotInstalledError extends OperatorError {
  constructor() {
    super(
      'PostgreSQL is not installed (no initdb/postgres found via pg_config or in /usr/lib/postgresql/<version>/bin) and no DATABASE_URL is set: ' +
        'install it (sudo apt-get install postgresql, or brew install postgresql) or point Earshot at a running one (DATABASE_URL=postgres://user:pass@host:5432/earshot)',
    );
    this.name = 'PostgresNotInstalledError';
  }
}

const hasServer = (dir: string) => existsSync(path.join(dir, 'postgres')) && existsSync(path.join(dir, 'initdb'));

/**
 * Debian keeps the server binaries off PATH (only psql & co. are linked into /usr/bin), so
 * `pg_config --bindir` is asked first and Debian's versioned folders, newest first, after it.
 */
export function findPostgresBin(root = '/usr/lib/postgresql'): string | null {
  const probe = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const fromConfig = !probe.error && probe.status === 0 ? probe.stdout.trim() : '';
  if (fromConfig && hasServer(fromConfig)) return fromConfig;
  let versions: string[] = [];
  try {
    versions = readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    return null;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const dir = path.join(root, v, 'bin');
    if (hasServer(dir)) return dir;
  }
  return null;
}

export interface SystemUser {
  uid: number;
  gid: number;
}

/** The `postgres` account the Debian package creates; PostgreSQL will not run as root. */
export function postgresUser(passwd = '/etc/passwd'): SystemUser | null {
  let text: string;
  try {
    text = readFileSync(passwd, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === 'postgres' && uid && gid) return { uid: Number(uid), gid: Number(gid) };
  }
  return null;
}
