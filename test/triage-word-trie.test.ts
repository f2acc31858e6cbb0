import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvObjects } from '../src/text/csv.js';
import { ENGLISH, identifyLanguage, wordsIn } from '../src/triage/language.js';
import { DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';
import { WordTrie } from '../src/triage/word-trie.js';

const OTHER_WORDS = new Set(['que', 'der', 'les', 'nahi', 'hai', 'het']);

/** What the trie must say, from the words language ID reads by the regex route. */
function reference(text: string, lists: Array<Set<string>>): { words: number; letters: number; inList: number[] } {
  const words = wordsIn(text);
  return {
    words: words.length,
    letters: words.reduce((n, w) => n + w.length, 0),
    inList: lists.map((l) => words.filter((w) => l.has(w)).length),
  };
}

function devTexts(file: string, every: number): string[] {
  const rows = readCsvObjects(readFileSync(path.join(DEFAULT_DATA_DIR, file), 'utf8'));
  return rows.filter((_, i) => i % every === 0).map((row) => String(row['text']));
}

// Word edges: capitals, digits and apostrophes inside words, a word that is a prefix or an
// extension of a listed one ("the"/"them"/"th"/"theme"), runs at the very start and end.
const EDGES = [
  '',
  '!!!',
  'a',
  'THE them th theme THEM',
  "don't won't c'est l'avion",
  'abc123def the2 2the',
  'Que pasa HET',
  'x'.repeat(3000),
  'the '.repeat(600),
  '@@@the###que$$$',
  'tab\tthe\nnew line',
];

describe('WordTrie.countAscii', () => {
  const lists = [ENGLISH, OTHER_WORDS];
  const trie = new WordTrie(lists);

  it('counts words, letters and list members as the regex route does, on dev posts and edge cases', () => {
    const texts = [...EDGES, ...devTexts('airline-tweets-dev.csv', 10), ...devTexts('tweeteval-sentiment-dev.csv', 10)];
    const ascii = texts.filter((t) => !/[^\x00-\x7f]/.test(t));
    expect(ascii.length).toBeGreaterThan(1000);
    for (const t of ascii) {
      const c = trie.countAscii(t);
      expect(c && { words: c.words, letters: c.letters, inList: [...c.inList] }, t).toEqual(reference(t, lists));
    }
  });

  it('declines text with anything outside ASCII', () => {
    expect(trie.countAscii('café the')).toBeNull();
    expect(trie.countAscii('the 😡')).toBeNull();
    // The Kelvin sign lower-cases to ASCII "k": the regex route would see "ok" here, so the trie must not answer.
    expect(trie.countAscii('o\u212a')).toBeNull();
  });

  it('grows past its first table size', () => {
    const many = new Set<string>();
    for (let i = 0; i < 3000; i += 1) many.add(i.toString(26).replace(/\d/g, (d) => String.fromCharCode(106 + Number(d))));
    const big = new WordTrie([many]);
    const text = [...many].slice(0, 200).join(' ');
    expect([...(big.countAscii(text)?.inList ?? [])]).toEqual([200]);
  });
});

describe('identifyLanguage on plain ASCII text', () => {
  it('still sends posts with another language function word to ELD', () => {
    expect(identifyLanguage({ text: 'Hola que tal amigos mios, todo bien por aqui', declared: null, hinglish: () => 0 }).language).toBe(
      'es',
    );
    expect(identifyLanguage({ text: 'the flight was late again and again', declared: null, hinglish: () => 0 }).language).toBe('en');
    expect(identifyLanguage({ text: 'abc', declared: null, hinglish: () => 1 }).language).toBe('en');
  });
});
