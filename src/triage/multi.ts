import { missedAction } from './multi-actions.js';
import { seedScores } from './category.js';
import { assembleTwoKinds, bucket, DENSE_FEATURES, fnv, FNV_PRIME, FNV_START, NOT_ENGLISH, type Features } from './features.js';
import type { Masked } from './mask.js';
import { wordPolarity, type Polarity } from './polarity.js';
import { sarcasmMarks } from './rules.js';
import { elided, emoticons, isLaugh, LAUGH, unaccented, unstretched } from './multi-tokens.js';
import { MULTI_LEXICONS } from './polarity-multi.js';
import { segment } from './multi-segment.js';
import { cueTokens } from './multi-cues.js';

/**
 * Features for posts in languages other than English. Words come from Intl.Segmenter, which
 * splits any script (Node 20 ships the ICU data, so no package is needed; multi-segment.ts splits
 * plain Latin text the same way without it); wink-nlp stays the English path. Words, word pairs and character 3- and 4-grams are hashed with the language as a
 * prefix (except Hindi, see readMulti), so "no" in Spanish and "no" in English are different features; emoji and "!"/"?" are
 * shared with English, since they mean the same in every language. A few dense cues (problem
 * and praise words, negation, category seeds) have small per-language lexicons and share their
 * slots with the English cues, so what the heads learned about them from English carries over.
 */
export interface MultiPost {
  /** Lower-cased words as segmented, for the explanations; `terms` in Features index into it. */
  words: string[];
  /** The same words as written. */
  shown: string[];
  joined: string;
  seeds: number[];
  problems: number;
  praise: number;
  negated: boolean;
}

/**
 * Negations per language: one list for all read Hindi "ne" (who did it) and "mai" (I), and
 * Italian "ne" (of it), as "not". Hindi tweets are half English, so they have English's too.
 */
export const NEGATORS: Record<string, ReadonlySet<string>> = Object.fromEntries(
  Object.entries({
    es: 'no ni nunca jamás jamas tampoco',
    pt: 'não nao nem nunca jamais',
    fr: 'ne pas jamais rien aucun aucune',
    de: 'nicht kein keine keinen keinem keiner nie niemals nichts',
    it: 'non mai nessuno nessuna niente nulla',
    ar: 'لا لم لن ما ليس',
    hi: "nahi nahin nhi nai ni mat not no never dont don't cant can't wont won't didnt didn't isnt isn't nothing nobody",
  }).map(([lang, words]) => [lang, new Set(words.split(' '))]),
);
const NO_NEGATORS: ReadonlySet<string> = new Set();

/** Unstressed pronouns that sit between a negation and its verb in the Romance languages. */
const CLITICS: Record<string, ReadonlySet<string>> = Object.fromEntries(
  Object.entries({
    es: 'me te se lo la los las le les nos os',
    pt: 'me te se o a os as lhe lhes nos vos',
    it: 'mi ti si ci vi lo la li le gli ne me te se ce ve',
    fr: 'me te se le la les lui leur nous vous y en',
  }).map(([lang, words]) => [lang, new Set(words.split(' '))]),
);

const PROBLEM = new Set(
  `problema problemas malo mala pésimo pesimo horrible terrible fatal peor queja reclamo retraso perdido roto error fallo vergüenza
  problema péssimo pessimo horrível horrivel ruim pior reclamação atraso perdido quebrado erro vergonha
  problème nul nulle horrible pire plainte retard perdu cassé erreur honte inadmissible scandale
  problem schlecht schlimm furchtbar schrecklich katastrophe beschwerde verspätung verloren kaputt fehler unverschämt
  problema pessimo orribile terribile peggio reclamo ritardo perso rotto errore vergogna schifo
  سيء مشكلة خطأ أسوأ bakwas bekar ghatiya bura`.split(/\s+/),
);

const PRAISE = new Set(
  `gracias genial excelente increíble encanta perfecto bueno buena feliz maravilloso
  obrigado obrigada ótimo otimo excelente incrível perfeito bom boa feliz maravilhoso
  merci génial excellent parfait super bravo heureux magnifique top
  danke toll super perfekt klasse großartig glücklich wunderbar
  grazie ottimo eccellente perfetto bravo bello bella felice fantastico
  شكرا رائع جميل ممتاز shukriya badhiya accha zabardast`.split(/\s+/),
);

/** Character 3- and 4-grams of "<word>", as kind-1 keys (see assembleTwoKinds). */
function charGrams(h0: number, word: string, into: number[]): void {
  const padded = `<${word}>`;
  for (let n = 3; n <= 4; n += 1) {
    for (let i = 0; i + n <= padded.length; i += 1) {
      let h = h0;
      for (let k = i; k < i + n; k += 1) h = Math.imul(h ^ padded.charCodeAt(k), FNV_PRIME);
      into.push(bucket(h) * 2 + 1);
    }
  }
}

const SHARED_UNI = fnv(FNV_START, 'u');
/**
 * Emoji, "!", "?" and laughter also get a second hash shared by the other languages but not by
 * English: English's weights for them are pulled by the ironic tweets (weak negatives, full of
 * 😂 and "lol"), which Spanish or German posts are not.
 */
const MULTI_UNI = fnv(FNV_START, 'm|u');
const STRETCHED = bucket(fnv(FNV_START, '~stretched')) * 2;

interface Token {
  /** What is hashed: the word without an elided article, held letters cut to two, laughter as one token. */
  base: string;
  folded: string | null;
  laugh: boolean;
  stretched: boolean;
  negates: boolean;
}

function tokenOf(word: string, lang: string): Token {
  const el = elided(word, lang);
  let base = el ? el.stem : word;
  // Laughter first: cutting "kkkkk" to "kk" would hide it.
  const laugh = isLaugh(base);
  const cut = laugh ? null : unstretched(base);
  if (cut !== null) base = cut;
  return {
    base: laugh ? LAUGH : base,
    folded: laugh ? null : unaccented(base, lang),
    laugh,
    stretched: cut !== null,
    negates: el?.negates ?? false,
  };
}

/** The form the language's polarity list knows: as written, without accents, or with held letters cut to one ("buenooo" → "bueno"). */
function lexiconForm(t: Token, own: ReadonlyMap<string, number> | undefined): string {
  if (own === undefined || own.has(t.base)) return t.base;
  if (t.folded !== null && own.has(t.folded)) return t.folded;
  if (t.stretched) {
    const single = t.base.replace(/(.)\1+/gu, '$1');
    if (own.has(single)) return single;
  }
  return t.base;
}

export interface MultiInput {
  text: string;
  lang: string;
  masked: Masked;
  question: boolean;
}

/** Character n-grams count for less each: a word yields a dozen of them. */
const CHAR_WEIGHT = 0.35;

export function readMulti(input: MultiInput, reuse = false): { post: MultiPost; features: Features } {
  const { words, shown, symbols } = segment(input.masked.text, input.lang);
  // Keys are bucket * 2 + kind: kind 0 words, pairs and symbols (value 1), kind 1 character n-grams.
  const raw: number[] = [];
  const terms: number[] = [];
  // Hindi tweets are written in Latin letters and mixed with English: their words share the
  // English hashes, so "worst" means what it means in English; Hindi words have no English twin.
  const tag = input.lang === 'hi' ? FNV_START : fnv(FNV_START, `${input.lang}|`);
  const charTag = fnv(FNV_START, `${input.lang}#`);
  raw.push(bucket(fnv(FNV_START, `lang=${input.lang}`)) * 2);
  let prev = fnv(tag, 'b^');
  let negate = 0;
  let negated = false;
  let problems = 0;
  let praise = 0;
  const negatedAt: boolean[] = [];
  const lexWords: string[] = [];
  const own = MULTI_LEXICONS.get(input.lang);
  const uniTag = fnv(tag, 'u');
  const pairTag = fnv(tag, 'b');
  const negators = NEGATORS[input.lang] ?? NO_NEGATORS;
  const clitics = CLITICS[input.lang] ?? NO_NEGATORS;
  words.forEach((w, i) => {
    const t = tokenOf(w, input.lang);
    const neg = negate > 0 || t.negates;
    negatedAt.push(neg);
    if (neg) negated = true;
    // A clitic pronoun between the negation and its verb ("no me gusta", "não me", "non mi piace", "no se lo creo") does not use up the scope.
    negate = negators.has(w) ? 2 : negate > 0 && clitics.has(w) ? negate : Math.max(0, negate - 1);
    const tok = neg ? `!${t.base}` : t.base;
    const uni = bucket(fnv(t.laugh ? SHARED_UNI : uniTag, tok));
    if (t.laugh) raw.push(bucket(fnv(MULTI_UNI, tok)) * 2);
    const bi = bucket(fnv(Math.imul(prev ^ 32, FNV_PRIME), tok));
    raw.push(uni * 2, bi * 2);
    if (t.folded !== null) raw.push(bucket(fnv(uniTag, neg ? `!${t.folded}` : t.folded)) * 2);
    if (t.stretched) raw.push(STRETCHED);
    terms.push(i, uni, i === 0 ? -1 : bi);
    prev = fnv(pairTag, tok);
    if (t.base.length >= 3 && !t.laugh) charGrams(charTag, t.base, raw);
    const lexWord = lexiconForm(t, own);
    lexWords.push(lexWord);
    if (!neg && (PROBLEM.has(lexWord) || PROBLEM.has(w))) problems += 1;
    if (!neg && (PRAISE.has(lexWord) || PRAISE.has(w))) praise += 1;
  });
  emoticons(input.masked.text, symbols);
  for (const s of symbols) {
    // The same hash as the English path gives these tokens ("u" + token), so they share weights.
    raw.push(bucket(fnv(SHARED_UNI, s)) * 2);
    raw.push(bucket(fnv(MULTI_UNI, s)) * 2);
  }
  const joined = ` ${words.join(' ')} `;
  const seeds = seedScores(words, joined);
  const lex = wordPolarity(lexWords, (i) => negatedAt[i] === true, input.lang, symbols);
  cueTokens(input.lang, input.masked.text, input.question, { problems, praise, negated, length: words.length, lex }, raw);
  const dense = denseMulti(input, words.length, { problems, praise, negated, seeds, lex, missed: missedAction(words, input.lang) });
  const features = assembleTwoKinds(Int32Array.from(raw), dense, terms, reuse, CHAR_WEIGHT);
  return { post: { words, shown, joined, seeds, problems, praise, negated }, features };
}

const D = (name: (typeof DENSE_FEATURES)[number]): number => DENSE_FEATURES.indexOf(name);
const clip = (x: number, max: number): number => Math.max(0, Math.min(max, x)) / max;

function denseMulti(
  input: MultiInput,
  length: number,
  c: { problems: number; praise: number; negated: boolean; seeds: number[]; lex: Polarity; missed: number },
): number[] {
  const dense = new Array<number>(DENSE_FEATURES.length).fill(0);
  const m = input.masked;
  dense[D('bias')] = 1;
  dense[D('problem words')] = clip(c.problems, 3);
  dense[D('praise words')] = clip(c.praise, 3);
  dense[D('question')] = input.question ? 1 : 0;
  dense[D('exclamation')] = m.text.includes('!') ? 1 : 0;
  dense[D('has link')] = m.urls > 0 ? 1 : 0;
  dense[D('mentions other handles')] = m.handles > 0 ? 1 : 0;
  dense[D('names the brand')] = m.brand > 0 ? 1 : 0;
  dense[D('length')] = clip(Math.log1p(length), 5);
  dense[D('negation')] = c.negated ? 1 : 0;
  dense[D('something did not happen')] = clip(c.missed, 2);
  c.seeds.forEach((s, i) => (dense[D('seed: delay / cancellation') + i] = s));
  dense[NOT_ENGLISH] = 1;
  dense[D('praise beside a problem')] = c.praise > 0 && c.problems > 0 ? 1 : 0;
  dense[D('sarcasm marks')] = sarcasmMarks(m.text);
  dense[D('lexicon positive')] = clip(c.lex.positive, 4);
  dense[D('lexicon negative')] = clip(c.lex.negative, 4);
  dense[D('lexicon balance')] = c.lex.compound;
  dense[D('lexicon mixed')] = clip(Math.min(c.lex.positive, c.lex.negative), 2);
  return dense;
}
