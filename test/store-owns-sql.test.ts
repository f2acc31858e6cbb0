import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineOffences, tsSources, type LineRule } from './helpers/source-scan.js';

/**
 * Two rules read from the sources, as store-owns-redis.test.ts does for Redis:
 * - every SQL statement lives in src/store/ (src/postgres/ only starts servers and opens pools),
 *   so the schema and its queries can be read, indexed and changed in one place;
 * - nothing anywhere relies on session state, so Earshot runs behind PgBouncer in transaction
 *   mode, where each transaction may get another server connection: no named prepared
 *   statements, no session-level SET, advisory lock, LISTEN, temporary table or held cursor.
 */
const ROOTS = ['src', 'workers'].map((d) => path.resolve(d));
const OWNERS = ['src/store', 'src/postgres'].map((d) => path.resolve(d) + path.sep);

const OUTSIDE_STORE: LineRule[] = [
  {
    what: 'an SQL statement',
    pattern: /\b(SELECT|INSERT INTO|DELETE FROM|UPDATE \w+ SET|TRUNCATE|CREATE (TABLE|INDEX|FUNCTION)|ALTER TABLE|COPY \w+)\b/,
  },
  { what: 'a query sent to the database', pattern: /\b(db|pool|client|pg)\w*\??\.(query|connect)\s*[<(]/i },
  { what: 'the pg driver imported', pattern: /from ['"]pg['"]/ },
];

const SESSION_STATE: LineRule[] = [
  { what: 'a named prepared statement', pattern: /\bname\s*:\s*[^,}]+,\s*text\s*:|\.query\(\s*\{[^}]*\bname\s*:/ },
  { what: 'a session-level SET', pattern: /(^|[`'";]\s*)SET\s+(?!LOCAL\b)(SESSION\s+)?\w+\s*(=|TO\b)/ },
  { what: 'a session-level advisory lock', pattern: /pg_(try_)?advisory_lock(_shared)?\s*\(/ },
  { what: 'LISTEN/NOTIFY', pattern: /\b(UN)?LISTEN\s+["\w]|\bpg_notify\s*\(/ },
  { what: 'a temporary table', pattern: /\bCREATE\s+(TEMP|TEMPORARY)\s+TABLE\b/ },
  { what: 'a cursor held past its transaction', pattern: /\bWITH\s+HOLD\b/ },
];

export function offences(files: string[], read: (file: string) => string = (f) => readFileSync(f, 'utf8')): string[] {
  return files.flatMap((file) => {
    const rules = OWNERS.some((dir) => file.startsWith(dir)) ? SESSION_STATE : [...OUTSIDE_STORE, ...SESSION_STATE];
    // Comments may say what a rule forbids.
    return lineOffences(file, read(file), rules, process.cwd(), (line) => /^\s*(\/\/|\*|\/\*)/.test(line));
  });
}

describe('the store owns every SQL statement, and none needs a session', () => {
  it('no SQL, query or pg import outside src/store/ and src/postgres/; no session state anywhere', () => {
    expect(offences(ROOTS.flatMap(tsSources))).toEqual([]);
  });

  it('the check itself catches each kind of line', () => {
    const planted = [
      "const { rows } = await ctx.db.query('SELECT id FROM mentions WHERE id = $1', [id]);",
      'const sql = `UPDATE inbox_items SET status = $2 WHERE id = $1`;',
      "import pg from 'pg';",
      "await client.query({ name: 'item-by-id', text: 'x', values: [id] });",
      "await client.query('SET statement_timeout = 1000');",
      "await client.query('SELECT pg_advisory_lock($1)', [1]);",
      "await client.query('LISTEN inbox');",
      'const ok = `UPDATE inbox_items SET status = $2`; // fine in the store',
      "await client.query('BEGIN; SET LOCAL statement_timeout = 5000');",
    ];
    const outside = offences([path.resolve('src/listen/planted.ts')], () => planted.join('\n'));
    expect(outside.map((f) => f.split(': ')[1])).toEqual([
      'an SQL statement',
      'a query sent to the database',
      'an SQL statement',
      'the pg driver imported',
      'a query sent to the database',
      'a named prepared statement',
      'a query sent to the database',
      'a session-level SET',
      'an SQL statement',
      'a query sent to the database',
      'a session-level advisory lock',
      'a query sent to the database',
      'LISTEN/NOTIFY',
      'an SQL statement',
      'a query sent to the database',
    ]);
    const inStore = offences([path.resolve('src/store/planted.ts')], () => planted.join('\n'));
    expect(inStore.map((f) => `${f.split(':')[1]} ${f.split(': ')[1]}`)).toEqual([
      '4 a named prepared statement',
      '5 a session-level SET',
      '6 a session-level advisory lock',
      '7 LISTEN/NOTIFY',
    ]);
  });
});
