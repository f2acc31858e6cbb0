import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eld as packaged } from 'eld/small';
import { eld } from '../src/triage/eld-data.js';
import { readCsvObjects } from '../src/text/csv.js';
import { DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';
import { ELD_DATA_FILE } from '../src/triage/eld-data.js';
import { PackedNgrams } from '../src/triage/eld-table.js';

function devTexts(file: string, every: number): string[] {
  const rows = readCsvObjects(readFileSync(path.join(DEFAULT_DATA_DIR, file), 'utf8'));
  return rows.filter((_, i) => i % every === 0).map((row) => String(row['text']));
}

// Where a rewrite of eld's byte handling would slip: surrogate pairs and a lone surrogate, long
// words (eld reads 70 units of a word, its last n-gram to the end), the byte cut after ~350 and
// 380 bytes, apostrophes eld keeps inside words, words of 1–4 letters, nothing but digits.
const EDGES = [
  '',
  '😡😡😡',
  'ok',
  'abc',
  'abcd',
  'abcde',
  "don't won’t l'avion c`est",
  `${'a'.repeat(75)}xyz`,
  'Internationalisierungsbestrebungen'.repeat(3),
  'anticonstitucionalmente'.repeat(4),
  `${'é'.repeat(40)} ${'ß'.repeat(3)}`,
  'bad \ud83d word \udc00 here',
  `${'palabra '.repeat(60)}final`,
  `${'ñandú '.repeat(80)}`,
  `${'日本語のテキスト'.repeat(60)}`,
  '12345 67890',
  'Mein Koffer ist seit zwei Tagen verschwunden … Anwalt',
  'مرحبا كيف حالك اليوم',
  'मेरा सामान खो गया है',
];

describe('ELD from models/eld-small.bin', () => {
  it('answers exactly as the installed eld package does (rerun `npm run build:eld` after upgrading eld)', () => {
    const multi = devTexts('multilingual-sentiment-dev.csv', 20);
    // Posts run together, past eld's cut-off, without the repeated words that would hide where it cuts.
    const long = Array.from({ length: 40 }, (_, i) => multi.slice(i * 8, i * 8 + 8).join(' '));
    const airline = devTexts('airline-tweets-dev.csv', 40);
    // A word that runs past the hard cut at 380 bytes, after a last space before 350.
    const plain = airline
      .join(' ')
      .replace(/[^ -~]/g, '')
      .replace(/ +/g, ' ');
    const crossing = [0, 7, 13].map((k) => `${plain.slice(k * 400, k * 400 + 345)} Donaudampfschifffahrtsgesellschaftskapitaen`);
    const texts = [...multi, ...long, ...crossing, ...airline, ...devTexts('tweeteval-sentiment-dev.csv', 20), ...EDGES];
    expect(texts.length).toBeGreaterThan(1000);
    for (const text of texts) {
      const ours = eld.detect(text);
      const theirs = packaged.detect(text);
      expect(ours.language, text).toBe(theirs.language);
      expect(ours.isReliable(), text).toBe(theirs.isReliable());
      expect(ours.getScores(), text).toEqual(theirs.getScores());
    }
  });

  it('refuses a table file that is not whole, naming the file and the command that rewrites it', () => {
    const whole = readFileSync(ELD_DATA_FILE);
    const header = 4 + whole.readUInt32LE(0);
    for (const broken of [
      whole.subarray(0, 2),
      whole.subarray(0, whole.length - 7),
      Buffer.concat([whole, Buffer.from('x')]),
      Buffer.from('{"magic":"other"}'),
    ])
      expect(() => PackedNgrams.fromBuffer(broken, 'models/eld-small.bin')).toThrow(/^models\/eld-small\.bin: .*`npm run build:eld`$/);
    const otherFormat = Buffer.from(whole);
    otherFormat.write(whole.toString('utf8', 4, header).replace('"format":1', '"format":7'), 4);
    expect(() => PackedNgrams.fromBuffer(otherFormat, 'f')).toThrow(/not format 1/);
  });
});
