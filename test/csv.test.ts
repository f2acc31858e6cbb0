import { describe, expect, it } from 'vitest';
import { parseCsv, readCsvRecords } from '../src/text/csv.js';

describe('CSV reader', () => {
  it('reads quoted commas, doubled quotes, line breaks inside quotes and every row ending', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"two\nlines",z\rlast,row\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', 'z'],
      ['last', 'row'],
    ]);
  });

  it('makes text after a closing quote an error naming the line, and reads the next rows as they are', () => {
    const records = readCsvRecords('id,text\n1,"fine"\n2,"he said "stop" twice"\n3,"also fine"\n');
    expect(records).toEqual([
      { line: 1, cells: ['id', 'text'] },
      { line: 2, cells: ['1', 'fine'] },
      { line: 3, error: expect.stringMatching(/^line 3: text after the closing quote of column 2/), raw: '2,"he said "stop" twice"' },
      { line: 4, cells: ['3', 'also fine'] },
    ]);
  });

  it('does not let a quote that is never closed swallow the rest of the file', () => {
    const records = readCsvRecords('id,text\n1,"unterminated\n2,next\n3,plain\n');
    expect(records.map((r) => ('cells' in r ? r.cells : r.error))).toEqual([
      ['id', 'text'],
      expect.stringMatching(/^line 2: column 2 opens a quote that is never closed/),
      ['2', 'next'],
      ['3', 'plain'],
    ]);
  });

  it("a runaway quote that closes on a later line is the first line's error; that later line is read on its own", () => {
    const records = readCsvRecords('1,"oops\n2,"b"\n3,c\n');
    expect(records).toEqual([
      { line: 1, error: expect.stringContaining('line 1: text after the closing quote'), raw: '1,"oops' },
      { line: 2, cells: ['2', 'b'] },
      { line: 3, cells: ['3', 'c'] },
    ]);
  });

  it('counts lines inside quoted fields, so later errors name the right line', () => {
    const records = readCsvRecords('a,"multi\nline\nfield"\nb,"bad"x\n');
    expect(records[1]).toMatchObject({ line: 4, error: expect.stringContaining('line 4:') });
  });
});
