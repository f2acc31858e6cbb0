/**
 * RFC 4180 reader: quoted fields may hold commas, `""` escapes and line breaks. Accepts `\n`,
 * `\r\n` and bare `\r` row endings; a trailing newline does not make an empty row.
 *
 * A malformed quote (text after a closing quote, a quote never closed) makes that row an error
 * naming its line, and reading starts again on the next line: a lenient reader would instead
 * glue the following rows into one field, and a stray quote would swallow the rest of the file.
 */
export type CsvRecord = { line: number; cells: string[] } | { line: number; error: string; raw: string };

interface Cursor {
  text: string;
  i: number;
  line: number;
}

class RowError extends Error {}

function isEnd(ch: string | undefined): boolean {
  return ch === '\n' || ch === '\r';
}

/** Steps over one row ending at c.i, counting the line. */
function skipEnd(c: Cursor): void {
  c.i += c.text[c.i] === '\r' && c.text[c.i + 1] === '\n' ? 2 : 1;
  c.line += 1;
}

/** A quoted field from just after its opening quote up to the delimiter or row end after its closing quote. */
function readQuoted(c: Cursor, column: number): string {
  let value = '';
  for (;;) {
    const close = c.text.indexOf('"', c.i);
    if (close === -1) throw new RowError(`column ${column} opens a quote that is never closed`);
    const chunk = c.text.slice(c.i, close);
    c.line += (chunk.match(/\r\n|\r|\n/g) ?? []).length;
    value += chunk;
    if (c.text[close + 1] === '"') {
      value += '"';
      c.i = close + 2;
      continue;
    }
    c.i = close + 1;
    const next = c.text[c.i];
    if (next !== undefined && next !== ',' && !isEnd(next))
      throw new RowError(`text after the closing quote of column ${column}; a quote inside a quoted field must be doubled ("")`);
    return value;
  }
}

function readUnquoted(c: Cursor): string {
  const start = c.i;
  while (c.i < c.text.length && c.text[c.i] !== ',' && !isEnd(c.text[c.i])) c.i += 1;
  return c.text.slice(start, c.i);
}

/** One row from c.i; leaves c.i after its row ending. */
function readRow(c: Cursor): string[] {
  const cells: string[] = [];
  for (;;) {
    cells.push(c.text[c.i] === '"' ? ((c.i += 1), readQuoted(c, cells.length + 1)) : readUnquoted(c));
    const ch = c.text[c.i];
    if (ch === ',') {
      c.i += 1;
      continue;
    }
    if (ch !== undefined) skipEnd(c);
    return cells;
  }
}

export function readCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const c: Cursor = { text, i: text.charCodeAt(0) === 0xfeff ? 1 : 0, line: 1 };
  while (c.i < text.length) {
    const start = c.i;
    const line = c.line;
    try {
      records.push({ line, cells: readRow(c) });
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      // Start again on the line after the row's first: the rows a runaway quote took in are read on their own.
      let end = start;
      while (end < text.length && !isEnd(text[end])) end += 1;
      records.push({ line, error: `line ${line}: ${err.message}`, raw: text.slice(start, end) });
      c.i = end;
      c.line = line;
      if (c.i < text.length) skipEnd(c);
    }
  }
  return records;
}

/** Rows only (errors left out); for callers that have checked the file or do not care which row failed. */
export function parseCsv(text: string): string[][] {
  return readCsvRecords(text).flatMap((r) => ('cells' in r ? [r.cells] : []));
}

/** Rows as objects keyed by the header row; missing cells become '' so every object has every column. */
export function readCsvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.map((cells) => {
    const obj: Record<string, string> = {};
    header.forEach((name, idx) => {
      obj[name] = cells[idx] ?? '';
    });
    return obj;
  });
}
