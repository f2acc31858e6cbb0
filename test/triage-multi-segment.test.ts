import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvObjects } from '../src/text/csv.js';
import { segmentIcu, segmentPlain } from '../src/triage/multi-segment.js';
import { DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';

// multi-segment.ts splits plain Latin posts by hand instead of with Intl.Segmenter; whatever it
// accepts it must split exactly as ICU does, in every language that reaches it.
const LANGS = ['es', 'pt', 'fr', 'de', 'it', 'hi', 'ar'];

const HAND = [
  "l'eau est froide, n'est-ce pas? ¡Qué día!",
  'e.g. 1.5 kg, 1,5 kg; 10:30 a:b a·b x.y.z a..b .a. 1.a a.1',
  'Não gostei 😂😂 ❤️ 👍🏽 hola😂 😂hola ✈ ☺',
  'Ich hab’s «gesagt» – (nie) #fail 50% & mehr… "so" [ok] {x} <3 €5 £5 $5 @ ~ | ^ / * + =',
  'İstanbul ſo ǀ ɏ ÀÉÎÕÜ çà ñ ß',
];

function rnd(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ALPHABET = [
  ...'abXZ019  éÀÿĀſǀɏ!?"()¡¿-–—#…/*+=%&~«»“”<>[]{}|^$€£@:·.\'’,;',
  '😂',
  '❤',
  '\ufe0f',
  '👍',
  '\u{1F3FD}',
  '✈',
  '\u200d',
  '\t',
];

describe('plain segmentation', () => {
  it('splits hand-picked posts as ICU does', () => {
    for (const text of HAND) {
      const plain = segmentPlain(text);
      expect(plain, text).not.toBeNull();
      for (const lang of LANGS) expect(plain, `${lang}: ${text}`).toEqual(segmentIcu(text, lang));
    }
  });

  it('splits random strings of the characters it reads as ICU does, and gives up on the rest', () => {
    const next = rnd(7);
    let plain = 0;
    let declined = 0;
    for (let k = 0; k < 20000; k += 1) {
      let text = '';
      const n = 1 + Math.floor(next() * 10);
      for (let j = 0; j < n; j += 1) text += ALPHABET[Math.floor(next() * ALPHABET.length)];
      const got = segmentPlain(text);
      if (got === null) declined += 1;
      else {
        plain += 1;
        expect(got, JSON.stringify(text)).toEqual(segmentIcu(text, LANGS[k % LANGS.length] as string));
      }
    }
    expect(plain).toBeGreaterThan(10000);
    expect(declined).toBeGreaterThan(1000);
  });

  it('takes most dev posts in Latin letters, and splits them as ICU does', () => {
    const file = path.join(DEFAULT_DATA_DIR, 'multilingual-sentiment-dev.csv');
    if (!existsSync(file)) return;
    const rows = readCsvObjects(readFileSync(file, 'utf8')).filter((_, i) => i % 4 === 0);
    let plain = 0;
    for (const r of rows) {
      const text = r.text ?? '';
      const got = segmentPlain(text);
      if (got === null) continue;
      plain += 1;
      expect(got, text).toEqual(segmentIcu(text, r.language ?? 'es'));
    }
    expect(plain / rows.length).toBeGreaterThan(0.6);
  });
});
