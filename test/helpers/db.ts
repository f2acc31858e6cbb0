import { inject } from 'vitest';
import { createPool, type Db } from '../../src/postgres/pool.js';
import { cloneDatabase } from '../../src/store/admin.js';

const TEMPLATE_DB = 'earshot_template';
const made = new Map<string, Promise<string>>();

/** The database for a key prefix: a fresh copy of the migrated template the first time, the same one after. */
export function testDatabaseUrl(prefix: string): Promise<string> {
  const name = `t_${prefix.toLowerCase().replace(/[^a-z0-9]/g, '_')}`.slice(0, 63);
  let ready = made.get(name);
  if (!ready) {
    const template = inject('pgUrlTemplate');
    ready = cloneDatabase(template.replace('{db}', 'postgres'), TEMPLATE_DB, name).then(() => template.replace('{db}', name));
    made.set(name, ready);
  }
  return ready;
}

/** A pool on the database that belongs to `prefix`, as tests with their own prefix use it. */
export async function testDb(prefix: string, max = 4): Promise<Db> {
  return createPool(await testDatabaseUrl(prefix), { max });
}

/** The same database over TCP (127.0.0.1), for a proxy in front of it. */
export function tcpDatabaseUrl(socketUrl: string): string {
  const name = new URL(socketUrl).pathname.slice(1);
  return inject('pgTcpUrlTemplate').replace('{db}', name);
}
