import type { Db } from '../postgres/pool.js';
import { SCHEMA_VERSION, schemaVersion } from './migrate.js';

/** Resolves with why PostgreSQL is not usable (down, slow, or an older schema than this build), or null. */
export async function databaseProblem(db: Db, timeoutMs: number): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`postgres did not answer within ${timeoutMs} ms`), timeoutMs);
  });
  const probe = schemaVersion(db).then(
    (v) =>
      v >= SCHEMA_VERSION
        ? null
        : `postgres schema is at version ${v}, this build needs ${SCHEMA_VERSION}; restart one earshot process to migrate`,
    (err: unknown) => `postgres error: ${err instanceof Error ? err.message : String(err)}`,
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
