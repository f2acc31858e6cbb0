/**
 * Minimal RFC 4180 reader: quoted fields may hold commas, `""` escapes and line breaks.
 * Accepts `\n`, `\r\n` and bare `\r` row endings; a trailing newline does not make an empty row.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let atRowStart = true;

  while (i < n) {
    const ch = text[i];
    if (ch === '"' && field === '') {
      const end = readQuoted(text, i + 1);
      field = end.value;
      i = end.next;
      atRowStart = false;
      continue;
    }
    if (ch === ',') {
      row.push(field);
      field = '';
      atRowStart = false;
      i += 1;
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      atRowStart = true;
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += ch;
      atRowStart = false;
      i += 1;
    }
  }
  if (!atRowStart) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Reads a quoted field starting just after its opening quote; text after the closing quote up to the delimiter is kept, as lenient readers do. */
function readQuoted(text: string, start: number): { value: string; next: number } {
  let value = '';
  let i = start;
  for (;;) {
    const close = text.indexOf('"', i);
    if (close === -1) return { value: value + text.slice(i), next: text.length };
    value += text.slice(i, close);
    if (text[close + 1] === '"') {
      value += '"';
      i = close + 2;
      continue;
    }
    i = close + 1;
    while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
      value += text[i];
      i += 1;
    }
    return { value, next: i };
  }
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
