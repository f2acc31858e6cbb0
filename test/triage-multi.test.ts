import { describe, expect, it } from 'vitest';
import type { BrandConfig } from '../src/config/schema.js';
import { DENSE, DENSE_FEATURES } from '../src/triage/features.js';
import { maskDetailed } from '../src/triage/mask.js';
import { readMulti } from '../src/triage/multi.js';
import { isLaugh } from '../src/triage/multi-tokens.js';

// Hand-written posts: how the other-language reader turns spellings into the features the model learns.
const shop: BrandConfig = { id: 'shop', name: 'Lumen', keywords: ['Lumen'], handles: ['@lumen'], hashtags: [] };

function read(text: string, lang: string) {
  return readMulti({ text, lang, masked: maskDetailed(text, shop), question: false });
}

/** The hashed buckets of a post (the dense block left out). */
function hashed(text: string, lang: string): Set<number> {
  const { idx } = read(text, lang).features;
  return new Set(Array.from(idx.slice(DENSE)));
}

const dense = (text: string, lang: string, name: (typeof DENSE_FEATURES)[number]): number =>
  read(text, lang).features.val[DENSE_FEATURES.indexOf(name)] ?? 0;

const shared = (a: Set<number>, b: Set<number>): number => [...a].filter((x) => b.has(x)).length;

describe('triage: words of other languages as the model reads them', () => {
  it('reads laughter in any language and spelling as one token', () => {
    for (const w of ['jajaja', 'jajjajaja', 'kkkkkk', 'hahah', 'ahahah', 'mdr', 'rsrsrs', 'هههه']) expect(isLaugh(w), w).toBe(true);
    for (const w of ['haja', 'casa', 'kk', 'hola', 'jefe']) expect(isLaugh(w), w).toBe(false);
    // The Spanish, Portuguese and French laughs share a feature, which also counts as positive.
    const es = hashed('jajajaja', 'es');
    expect(shared(es, hashed('kkkkk', 'pt'))).toBeGreaterThan(0);
    expect(shared(es, hashed('mdr', 'fr'))).toBeGreaterThan(0);
    expect(dense('kkkkk', 'pt', 'lexicon positive')).toBeGreaterThan(0);
  });

  it('reads emoticons as the emoji they stand for', () => {
    const smiley = hashed('Llegó hoy :)', 'es');
    const emoji = hashed('Llegó hoy 🙂', 'es');
    expect([...emoji].every((b) => smiley.has(b))).toBe(true);
    expect(dense('Llegó hoy :)', 'es', 'lexicon positive')).toBeGreaterThan(0);
    expect(dense('Llegó hoy :(', 'es', 'lexicon negative')).toBeGreaterThan(0);
    // A clock time or a link is not an emoticon.
    expect(hashed('Llegó a las 10:30 http://x.es/a:b', 'es').size).toBe(hashed('Llegó a las 10 30', 'es').size);
  });

  it('reads a word typed without its accents as the accented one', () => {
    // Short words, so no character n-gram is shared: only the plain-letter form can link them.
    const accented = hashed('más', 'es');
    expect(shared(accented, hashed('mas', 'es'))).toBeGreaterThan(shared(accented, hashed('mes', 'es')));
    expect(dense('servicio pesimo', 'es', 'lexicon negative')).toBe(dense('servicio pésimo', 'es', 'lexicon negative'));
  });

  it('cuts letters held for emphasis, so "buenooo" still reads as "bueno"', () => {
    expect(dense('buenooooo', 'es', 'lexicon positive')).toBe(dense('bueno', 'es', 'lexicon positive'));
    expect(dense('buenooooo', 'es', 'lexicon positive')).toBeGreaterThan(0);
    expect(shared(hashed('siiiiiii', 'es'), hashed('siii', 'es'))).toBeGreaterThan(0);
  });

  it('splits French and Italian elisions, and "n\'" negates its word', () => {
    expect(shared(hashed("l'avion", 'fr'), hashed('avion', 'fr'))).toBeGreaterThan(0);
    expect(shared(hashed("dell'albergo", 'it'), hashed('albergo', 'it'))).toBeGreaterThan(0);
    expect(dense("j'aime", 'fr', 'negation')).toBe(0);
    expect(dense("je n'aime", 'fr', 'negation')).toBe(1);
    // Negated, "aime" is not praise any more.
    expect(dense("j'adore", 'fr', 'lexicon positive')).toBeGreaterThan(0);
    expect(dense("je n'adore", 'fr', 'lexicon positive')).toBe(0);
  });

  it('keeps negated words apart in Spanish, German and Italian', () => {
    for (const [plain, negated, lang] of [
      ['me gusta', 'no me gusta', 'es'],
      ['das ist gut', 'das ist nicht gut', 'de'],
      ['è bello', 'non è bello', 'it'],
    ] as const) {
      expect(dense(negated, lang, 'negation'), negated).toBe(1);
      expect(dense(negated, lang, 'lexicon positive'), negated).toBe(0);
      expect(dense(plain, lang, 'lexicon positive'), plain).toBeGreaterThan(0);
    }
  });

  it('negates only with the words that negate in that language', () => {
    // Hindi "ne" (who did it) and "mai" (I), Portuguese "no" (in the), Italian "ne" (of it) are not "not".
    expect(dense('mai bahut khush hoon', 'hi', 'negation')).toBe(0);
    expect(dense('mai bahut khush hoon', 'hi', 'lexicon positive')).toBeGreaterThan(0);
    expect(dense('no aeroporto foi ótimo', 'pt', 'negation')).toBe(0);
    expect(dense('ne vale la pena, bello', 'it', 'negation')).toBe(0);
    expect(dense('bilkul accha nahi laga', 'hi', 'negation')).toBe(1);
    expect(dense('not happy yaar', 'hi', 'negation')).toBe(1);
  });

  it('knows everyday romanised Hindi praise and complaint words, beside the English ones', () => {
    expect(dense('delivery boy ne parcel kharab kar diya', 'hi', 'lexicon negative')).toBeGreaterThan(0);
    expect(dense('kya dhokha hai yeh', 'hi', 'lexicon negative')).toBeGreaterThan(0);
    expect(dense('shabash team, lajawab match', 'hi', 'lexicon positive')).toBeGreaterThan(0);
    expect(dense('worst service ever yaar', 'hi', 'lexicon negative')).toBeGreaterThan(0);
  });

  it('carries a negation past the clitic pronouns before its verb', () => {
    // Two pronouns before the verb: with them counted as words the scope ended before "recomiendo", "recommande", "piace".
    for (const [text, lang] of [
      ['no se lo recomiendo', 'es'],
      ['je ne te le recommande', 'fr'],
      ['non me ne piace', 'it'],
    ] as const) {
      expect(dense(text, lang, 'negation'), text).toBe(1);
      expect(dense(text, lang, 'lexicon positive'), text).toBe(0);
    }
    // A pronoun after the scope has ended does not extend it.
    expect(dense('no tengo tiempo, me encanta', 'es', 'lexicon positive')).toBeGreaterThan(0);
  });

  it('knows everyday Spanish and Portuguese words of praise, insult and loss', () => {
    for (const [text, lang] of [
      ['qué chévere el concierto', 'es'],
      ['arrasou demais hoje', 'pt'],
    ] as const)
      expect(dense(text, lang, 'lexicon positive'), text).toBeGreaterThan(0);
    for (const [text, lang] of [
      ['menudo imbécil el árbitro', 'es'],
      ['que palhaçada, pqp', 'pt'],
    ] as const)
      expect(dense(text, lang, 'lexicon negative'), text).toBeGreaterThan(0);
  });

  it('gives each language its own copy of the cues, apart from the weights English shares', () => {
    // Two strong praise words share their binned lexicon and praise cues; a plain noun does not.
    const genial = hashed('genial', 'es');
    expect(shared(genial, hashed('perfecto', 'es'))).toBeGreaterThan(shared(genial, hashed('casa', 'es')) + 2);
    // The cues are per language: the same praise in Portuguese shares none of them with Spanish.
    expect(shared(genial, hashed('genial', 'pt'))).toBe(0);
    // An emoji has the hash English gives it and one the other languages share without English.
    expect(shared(hashed('hoy 😍', 'es'), hashed('heute 😍', 'de'))).toBe(2);
  });
});
