import pg from 'pg';
import type { Logger } from '../log.js';
import { redactUrl } from '../log.js';

export type Db = pg.Pool;

/**
 * bigint columns hold epoch milliseconds and counts, which fit a JS number exactly (2^53), so
 * they are read as numbers instead of pg's default strings. Scoped to our pools, not global.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === 20 && format !== 'binary') return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

/**
 * One pool per process. An idle client that loses its server (a PostgreSQL restart) emits
 * 'error' on the pool; without a listener that would crash the process instead of reconnecting.
 */
export function createPool(url: string, options: { max?: number; log?: Logger; name?: string } = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.name ?? 'earshot',
    types,
    idleTimeoutMillis: 30_000,
  });
  let warned = false;
  pool.on('error', (err) => {
    if (!warned) options.log?.warn({ err: err.message, database: redactUrl(url) }, 'postgres connection problem; reconnecting on next use');
    warned = true;
  });
  pool.on('connect', () => {
    warned = false;
  });
  return pool;
}
