import { RECORDS } from './schema-records.js';

/**
 * The database schema as numbered steps. A step, once merged, is never edited: changes go in a
 * new step, so every installation reaches the same schema whatever version it started from.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'extensions',
    // Trigram indexes make substring search ("lawyer" inside "lawyers") use an index.
    sql: `CREATE EXTENSION IF NOT EXISTS pg_trgm;`,
  },
  { version: 2, name: 'records', sql: RECORDS },
  {
    version: 3,
    name: 'source stop kind',
    // Why a source stopped decides what the health page asks for: new credentials, or something else.
    // Every stop before this version was a rejected credential.
    sql: `ALTER TABLE sources ADD COLUMN stopped_kind text NOT NULL DEFAULT '';
          UPDATE sources SET stopped_kind = 'credentials' WHERE NOT healthy;`,
  },
];
