import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/postgres/pool.js';
import { plainArray, textArray } from '../src/store/pg-arrays.js';
import { testDb } from './helpers/db.js';

let db: Db;

beforeAll(async () => {
  db = await testDb('pg-arrays', 1);
});

afterAll(async () => {
  await db?.end();
});

describe('array parameters written by the store', () => {
  it('reach PostgreSQL as the same strings, whatever they hold', async () => {
    const values = ['a"b', 'c\\d', '\\"', null, '', 'NULL', ' x ', '{}', 'a,b', 'é ✈️', 'line\nbreak', '"quoted"'];
    const { rows } = await db.query<{ v: string | null }>('SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n', [
      textArray(values),
    ]);
    expect(rows.map((r) => r.v)).toEqual(values);
  });

  it('reach PostgreSQL as the same numbers and booleans, nulls included', async () => {
    const { rows } = await db.query<{ n: number | null; r: number | null; b: boolean | null }>(
      'SELECT n, r, b FROM unnest($1::bigint[], $2::real[], $3::boolean[]) WITH ORDINALITY AS t(n, r, b, i) ORDER BY i',
      [plainArray([1_764_633_600_123, -5, null]), plainArray([0.25, null, 1.5]), plainArray([true, false, null])],
    );
    expect(rows).toEqual([
      { n: 1_764_633_600_123, r: 0.25, b: true },
      { n: -5, r: null, b: false },
      { n: null, r: 1.5, b: null },
    ]);
  });
});
