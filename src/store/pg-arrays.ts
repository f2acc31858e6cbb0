/**
 * Array parameters written as PostgreSQL array literals here rather than by the driver. The
 * write path sends a batch as one array per column (unnest), tens of thousands of elements a
 * second; the driver quotes every element through two regex replacements and a type dispatch,
 * which was most of the worker's cost of binding a statement. Same literal, same rows: a string
 * element is quoted, with backslash and double quote escaped; null is NULL.
 */
const SPECIAL = /["\\]/;
const SPECIALS = /["\\]/g;

export function textArray(values: ReadonlyArray<string | null | undefined>): string {
  let out = '{';
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else out += SPECIAL.test(v) ? `"${v.replace(SPECIALS, '\\$&')}"` : `"${v}"`;
  }
  return `${out}}`;
}

/** Numbers and booleans need no quotes (NaN and Infinity are spelt as PostgreSQL reads them). */
export function plainArray(values: ReadonlyArray<number | boolean | null | undefined>): string {
  let out = '{';
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null || v === undefined ? 'NULL' : String(v);
  }
  return `${out}}`;
}
