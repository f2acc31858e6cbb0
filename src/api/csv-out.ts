import { Readable } from 'node:stream';

/**
 * One CSV field. Cells that a spreadsheet would run as a formula (= + - @, tab, CR) get a
 * leading apostrophe: post text is untrusted and exports get opened in Excel.
 */
export function csvField(value: unknown): string {
  let s =
    value === null || value === undefined
      ? ''
      : typeof value === 'string'
        ? value
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** A header line, then one line per row as the generator yields them: nothing is collected in memory. */
export function csvStream<T>(header: string[], rows: AsyncIterable<T>, toValues: (row: T) => unknown[]): Readable {
  async function* lines() {
    yield csvLine(header);
    for await (const row of rows) yield csvLine(toValues(row));
  }
  return Readable.from(lines());
}
