import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/postgres/embedded.js';
import { freePort } from '../../src/redis/embedded.js';
import { createPool } from '../../src/postgres/pool.js';
import { cloneDatabase, ensureDatabase } from '../../src/store/admin.js';
import { migrate } from '../../src/store/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection URL with `{db}` where the database name goes. */
    pgUrlTemplate: string;
    /** The same server over TCP on 127.0.0.1 (for tests that put a proxy in front), `{db}` as above. */
    pgTcpUrlTemplate: string;
  }
}

export const TEMPLATE_DB = 'earshot_template';

/**
 * One real PostgreSQL for the whole run, in a throwaway folder, and one migrated template
 * database that each test's database is copied from (CREATE DATABASE … TEMPLATE is fast).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-test-pg-'));
  // As root the server runs as `postgres`, which must be able to reach its folder.
  chmodSync(dir, 0o711);
  const tcpPort = await freePort();
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), throwaway: true, tcpPort });
  await ensureDatabase(server.urlFor('postgres'), TEMPLATE_DB);
  const db = createPool(server.urlFor(TEMPLATE_DB), { max: 1 });
  await migrate(db);
  await db.end();
  // Proves the copy works before any test relies on it.
  await cloneDatabase(server.urlFor('postgres'), TEMPLATE_DB, 'earshot_probe');
  project.provide('pgUrlTemplate', server.urlFor('{db}'));
  project.provide('pgTcpUrlTemplate', `postgresql://earshot@127.0.0.1:${tcpPort}/{db}`);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
