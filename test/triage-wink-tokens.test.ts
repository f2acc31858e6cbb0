import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import winkNLP, { type ItsFunction } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { readCsvObjects } from '../src/text/csv.js';
import { DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';
import { reader } from '../src/triage/nlp.js';
import { TokenReader } from '../src/triage/wink-tokens.js';

// triage reads wink's tokens through its document data, not through one public out() per property
// (wink-tokens.ts): the two must agree on every token of real posts, memoised ids included.
const HAND = [
  "I can't believe they didn't refund me, won't fly again!! 😡 2 hrs",
  "We're NOT amused... isn't it obvious? Y'all'd've known :( $200 @ 5pm #fail",
  'Mi pedido nunca llegó 🙃 — thanks a lot',
  'Never. Again. No one answers, nobody cares; 3rd time this week: 10:30am flight',
  '',
  '!!!',
];

function devTexts(): string[] {
  const file = path.join(DEFAULT_DATA_DIR, 'airline-tweets-dev.csv');
  if (!existsSync(file)) return [];
  return readCsvObjects(readFileSync(file, 'utf8'))
    .slice(0, 400)
    .map((r) => r.text ?? '');
}

describe('wink token readout', () => {
  const nlp = winkNLP(model, ['negation', 'sentiment']);
  const stem = nlp.its.stem as unknown as ItsFunction<string>;
  const own = new TokenReader(nlp.its as unknown as ConstructorParameters<typeof TokenReader>[0], (tokens, i) =>
    String(tokens.itemAt(i).out(stem)),
  );

  it('reads wink documents directly in this wink-nlp version', () => {
    expect(own.direct).toBe(true);
    expect(reader.direct).toBe(true);
  });

  it('gives what the public out() calls give, on first sight of a token and from the per-id memo', () => {
    const texts = [...HAND, ...devTexts()];
    for (let pass = 0; pass < 2; pass += 1) {
      for (const text of texts) {
        const doc = nlp.readDoc(text);
        const { facts, ...direct } = own.read(doc);
        const { facts: _fresh, ...plain } = own.readPublic(doc.tokens());
        expect(direct, text).toEqual(plain);
        expect(facts).toHaveLength(plain.normals.length);
      }
    }
  });

  it('forgets ids when told the wink instance changed', () => {
    const other = winkNLP(model, ['negation', 'sentiment']);
    own.reset();
    const doc = other.readDoc('zyxwv qwerty gonna cancel');
    const { facts: _a, ...direct } = own.read(doc);
    const { facts: _b, ...plain } = own.readPublic(doc.tokens());
    expect(direct).toEqual(plain);
  });
});
