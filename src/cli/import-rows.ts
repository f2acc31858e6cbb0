import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseLine, parseRecord, type LineTarget } from '../connectors/file/lines.js';
import type { RejectedItem } from '../connectors/types.js';
import type { Mention } from '../mention.js';
import { readCsvRecords } from '../text/csv.js';

export type ImportRow = { line: number; raw: string; result: { mention: Mention } | { rejected: RejectedItem } };

/** CSV header names for the fields of a JSONL line (exports name them in several ways). */
const COLUMNS: Record<string, string> = {
  id: 'id',
  text: 'text',
  createdat: 'createdAt',
  created_at: 'createdAt',
  date: 'createdAt',
  url: 'url',
  lang: 'lang',
  language: 'lang',
  rating: 'rating',
  platform: 'platform',
  author: 'author.handle',
  author_handle: 'author.handle',
  handle: 'author.handle',
  author_id: 'author.id',
  author_name: 'author.name',
  followers: 'author.followers',
  author_followers: 'author.followers',
};

function csvObject(header: string[], cells: string[]): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const author: Record<string, unknown> = {};
  header.forEach((name, i) => {
    const field = COLUMNS[name.trim().toLowerCase()];
    const value = cells[i] ?? '';
    if (!field || value === '') return;
    const numeric = field === 'rating' || field === 'author.followers';
    const v = numeric && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    if (field.startsWith('author.')) author[field.slice(7)] = v;
    else obj[field] = v;
  });
  if (author['handle'] !== undefined && author['id'] === undefined) author['id'] = author['handle'];
  if (Object.keys(author).length) obj['author'] = author;
  return obj;
}

/** A CSV export, row by row; a malformed row is a rejected row naming its line, and the rest flows. */
async function* csvRows(file: string, target: LineTarget): AsyncGenerator<ImportRow> {
  const [head, ...records] = readCsvRecords(await readFile(file, 'utf8'));
  if (!head || !('cells' in head)) {
    if (head)
      yield {
        line: head.line,
        raw: head.raw,
        result: { rejected: { reason: `the header row cannot be read: ${head.error}`, raw: head.raw } },
      };
    return;
  }
  for (const record of records) {
    if (!('cells' in record)) {
      yield { line: record.line, raw: record.raw, result: { rejected: { reason: record.error, raw: record.raw } } };
      continue;
    }
    if (record.cells.length === 1 && record.cells[0] === '') continue;
    const raw = record.cells.join(',');
    yield { line: record.line, raw, result: parseRecord(csvObject(head.cells, record.cells), record.line, target) };
  }
}

async function* jsonlRows(file: string, target: LineTarget): AsyncGenerator<ImportRow> {
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    line += 1;
    if (text.trim()) yield { line, raw: text, result: parseLine(text, line, target) };
  }
}

export function importRows(file: string, target: LineTarget): AsyncGenerator<ImportRow> {
  return /\.csv$/i.test(file) ? csvRows(file, target) : jsonlRows(file, target);
}
