import type { Logger } from '../log.js';
import { redactUrl } from '../log.js';
import type { Db } from './pool.js';

/**
 * Errors that mean "not reachable yet" rather than "wrong": the server is starting, shutting
 * down, restarting, or not listening. Anything else (bad password, no such database) is
 * reported at once.
 */
const TRANSIENT_CODES = new Set([
  '57P03',
  '57P01',
  '57P02',
  '08000',
  '08001',
  '08003',
  '08006',
  'ECONNREFUSED',
  'ENOENT',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

export function transientDatabaseError(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (e.code && TRANSIENT_CODES.has(e.code)) return true;
  // node-postgres reports a connection dropped during the handshake without a code.
  return /Connection terminated|connection timeout/i.test(e.message ?? '');
}

/**
 * Waits for PostgreSQL to answer, as the Redis connection waits for Redis: a worker started
 * while the database restarts (or before a managed one is up) comes up when it does instead of
 * exiting. Gives up after `timeoutMs` with what would fix it.
 */
export async function waitForDatabase(db: Db, url: string, options: { log?: Logger; timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let delay = 100;
  let warned = false;
  for (;;) {
    try {
      await db.query('SELECT 1');
      if (warned) options.log?.info({ database: redactUrl(url) }, 'postgres reachable');
      return;
    } catch (err) {
      if (!transientDatabaseError(err) || Date.now() + delay > deadline) {
        throw new Error(
          `cannot use PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}; check database.url (or DATABASE_URL) and that the server is running`,
        );
      }
      if (!warned)
        options.log?.warn({ database: redactUrl(url), err: (err as Error).message }, 'waiting for postgres to accept connections');
      warned = true;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 2_000);
    }
  }
}
