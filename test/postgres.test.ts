import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPostgresBin, PostgresNotInstalledError, postgresUser } from '../src/postgres/binaries.js';
import { startEmbeddedPostgres, unreachableParent } from '../src/postgres/embedded.js';
import { createPool } from '../src/postgres/pool.js';
import { ensureDatabase } from '../src/store/admin.js';
import { migrate, SCHEMA_VERSION, schemaVersion } from '../src/store/migrate.js';
import { databaseProblem } from '../src/store/ping.js';
import { testDatabaseUrl } from './helpers/db.js';
import { waitFor } from './helpers/wait.js';
import { nth, present } from './helpers/present.js';

function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), name));
  chmodSync(dir, 0o711);
  return dir;
}

describe('embedded PostgreSQL', () => {
  it('names the folder the postgres user cannot enter, and how to open it, before running initdb', async () => {
    const closed = mkdtempSync(path.join(tempDir('earshot-closed-'), 'home-')); // 0700, as mktemp -d makes
    const dataDir = path.join(closed, 'fresh', 'data', 'postgres');
    const other = { uid: 424242, gid: 424242 };
    expect(unreachableParent(dataDir, other)).toBe(closed);
    expect(unreachableParent(path.join(tempDir('earshot-open-'), 'pg'), other)).toBeNull();
    if (!postgresUser()) return; // not root: the server runs as this user, who can enter its own folders
    mkdirSync(dataDir, { recursive: true });
    const err = await startEmbeddedPostgres({ dataDir }).catch((e: unknown) => e);
    expect((err as Error).message).toContain(`cannot enter ${closed}: run \`chmod o+x ${closed}\``);
  });

  it('explains how to get PostgreSQL when the server binaries are missing', async () => {
    const err = await startEmbeddedPostgres({ dataDir: path.join(tempDir('earshot-nopg-'), 'pg'), binDir: '' }).catch((e: unknown) => e);
    expect(findPostgresBin(path.join(tempDir('earshot-nobin-'), 'none'))).toSatisfy(
      (bin: string | null) => bin === null || bin.endsWith('/bin'),
    );
    // An empty binDir means "found none": the same path as a machine without the package.
    expect(err).toBeInstanceOf(PostgresNotInstalledError);
    expect((err as Error).message).toMatch(/apt-get install postgresql/);
    expect((err as Error).message).toMatch(/DATABASE_URL=/);
    // Printed by the CLI as the one line of an OperatorError.
    expect((err as Error).message).not.toContain('\n');
  });

  it('finds Debian server binaries in /usr/lib/postgresql/<version>/bin, newest first', () => {
    const root = tempDir('earshot-pgroot-');
    for (const v of ['13', '15']) {
      mkdirSync(path.join(root, v, 'bin'), { recursive: true });
      for (const b of ['postgres', 'initdb']) writeFileSync(path.join(root, v, 'bin', b), '');
    }
    mkdirSync(path.join(root, '16', 'bin'), { recursive: true }); // client only: no server here
    const found = findPostgresBin(root);
    // pg_config, when installed, wins; otherwise the newest folder with a server.
    expect(found === path.join(root, '15', 'bin') || (found !== null && !found.startsWith(root))).toBe(true);
  });

  it('initdb on first run, keeps data across a restart, a second process joins, and runs as postgres under root', async () => {
    const dir = path.join(tempDir('earshot-pgdata-'), 'postgres');
    const first = await startEmbeddedPostgres({ dataDir: dir, throwaway: true });
    if (process.getuid?.() === 0) expect(statSync(dir).uid).toBe(postgresUser()?.uid);
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
    const joined = await startEmbeddedPostgres({ dataDir: dir });
    const db = createPool(first.url, { max: 1 });
    await db.query('CREATE TABLE kept (v text)');
    await db.query("INSERT INTO kept VALUES ('yes')");
    const { rows } = await db.query<{ u: string }>('SELECT current_user AS u');
    expect(rows[0]?.u).toBe('earshot');
    await db.end();
    await joined.stop(); // not the owner: must leave the server running
    const still = createPool(first.url, { max: 1 });
    expect((await still.query('SELECT v FROM kept')).rows).toEqual([{ v: 'yes' }]);
    await still.end();
    await first.stop();
    const again = await startEmbeddedPostgres({ dataDir: dir });
    const db2 = createPool(again.url, { max: 1 });
    expect((await db2.query('SELECT v FROM kept')).rows).toEqual([{ v: 'yes' }]);
    await db2.end();
    await again.stop();
  });
  it('a killed server is restarted on the same data, and stopping Earshot stops it', async () => {
    const dir = path.join(tempDir('earshot-pgkill-'), 'postgres');
    // Durable settings, as `npm start` runs it: a committed row survives the kill.
    const pg = await startEmbeddedPostgres({ dataDir: dir });
    const db = createPool(pg.url, { max: 1 });
    await db.query('CREATE TABLE kept (v text)');
    await db.query("INSERT INTO kept VALUES ('yes')");
    const first = pg.server?.pid;
    expect(first).toEqual(expect.any(Number));
    process.kill(present(first), 'SIGKILL');
    await waitFor(
      'the restarted server',
      () => (pg.server?.status().state === 'up' && pg.server.restarts === 1 ? true : undefined),
      60_000,
    );
    expect(pg.server?.pid).not.toBe(first);
    // The pool reconnects by itself; the data is the same.
    const rows = await waitFor(
      'a query after the restart',
      () =>
        db.query('SELECT v FROM kept').then(
          (r) => r.rows,
          () => undefined,
        ),
      30_000,
    );
    expect(rows).toEqual([{ v: 'yes' }]);
    await db.end();
    const pid = present(present(pg.server).pid);
    await pg.stop();
    expect(() => process.kill(pid, 0)).toThrow();
  }, 90_000);
});

describe('migrations', () => {
  it('several processes migrating one empty database together apply each step once', async () => {
    const template = (await testDatabaseUrl('mig-probe')).replace(/\/[^/]+$/, '/postgres');
    await ensureDatabase(template, 'earshot_mig_race');
    const url = template.replace(/\/postgres$/, '/earshot_mig_race');
    const pools = [1, 2, 3, 4].map(() => createPool(url, { max: 1 }));
    const applied = await Promise.all(pools.map((p) => migrate(p)));
    expect(applied.flat().sort((a, b) => a - b)).toEqual([...Array(SCHEMA_VERSION).keys()].map((i) => i + 1));
    expect(await schemaVersion(nth(pools, 0))).toBe(SCHEMA_VERSION);
    expect(await databaseProblem(nth(pools, 0), 1_000)).toBeNull();
    await Promise.all(pools.map((p) => p.end()));
  });

  it('readiness names an out-of-date schema and a database that is gone', async () => {
    const url = (await testDatabaseUrl('mig-probe')).replace(/\/[^/]+$/, '/postgres');
    await ensureDatabase(url, 'earshot_unmigrated');
    const empty = createPool(url.replace(/\/postgres$/, '/earshot_unmigrated'), { max: 1 });
    await empty.query(
      'CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    expect(await databaseProblem(empty, 1_000)).toMatch(/schema is at version 0/);
    await empty.end();
    const missing = createPool(url.replace(/\/postgres$/, '/earshot_does_not_exist'), { max: 1 });
    expect(await databaseProblem(missing, 1_000)).toMatch(/postgres error/);
    await missing.end();
  });
});
