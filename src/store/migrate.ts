import type { Db } from '../postgres/pool.js';
import { MIGRATIONS } from './sql/migrations.js';

/** Any constant works; it only has to be the same in every Earshot process. */
const MIGRATION_LOCK = 0x6561_7273; // "ears"

/**
 * Applies the migrations this database has not seen, in one transaction under a
 * transaction-level advisory lock: processes starting together queue up and the later ones find
 * nothing to do, and the lock cannot outlive the transaction (safe behind PgBouncer in
 * transaction mode). A failing step rolls every step of this run back. Returns the versions applied.
 */
export async function migrate(db: Db): Promise<number[]> {
  const client = await db.connect();
  const applied: number[] = [];
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      try {
        await client.query(m.sql);
      } catch (err) {
        throw new Error(`database migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
      }
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return applied;
}

/** The newest version this build knows; /healthz compares it with the database's. */
export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

export async function schemaVersion(db: Db): Promise<number> {
  const res = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return res.rows[0]?.v ?? 0;
}
