import type { BrandConfig } from '../config/schema.js';
import { seedScores } from './category.js';
import { extractFeatures, type Features } from './features.js';
import { identifyLanguage, type LanguageGuess } from './language.js';
import { maskDetailed, type Masked } from './mask.js';
import { wordVectors } from './embeddings.js';
import { activeModel, hinglishProbability, type TriageModel } from './model.js';
import { readMulti } from './multi.js';
import { analyse, type Analysis } from './nlp.js';
import { complaintCues, intensityOf, isQuestion, type ComplaintCues } from './rules.js';

/** Everything read from a post's text, computed once and shared by the model, category, urgency and reasons. */
export interface Signals {
  masked: Masked;
  /** The wink-nlp reading: English posts only. */
  analysis: Analysis | null;
  cues: ComplaintCues | null;
  /** 0–1: shouting in capitals, "!!!". */
  intensity: number;
  question: boolean;
  lang: LanguageGuess;
  /** Category seed strengths (category.ts SEED_CATEGORIES). */
  seeds: number[];
  features: Features;
  /**
   * For explanations: the word at a position in `features.terms` as the post wrote it (`from` < 0),
   * or the words from `from` to it, as they read in the post ("isn't", not "is n't").
   */
  display: (position: number, from: number) => string;
}

// The word vectors' 50,000 words are the English vocabulary language.ts asks about; they load on the first English post anyway.
const englishWord = (word: string): boolean => wordVectors()?.rows.has(word) ?? false;

/** The language of a masked post as triage reads it; the evaluation scripts identify with this too. */
export function identifyPostLanguage(maskedText: string, declared: string | null, model: TriageModel | null = null): LanguageGuess {
  return identifyLanguage({
    text: maskedText,
    declared,
    hinglish: (words) => hinglishProbability(model ?? activeModel(), words),
    englishWord,
  });
}

function englishSignals(masked: Masked, text: string, lang: LanguageGuess, reuse: boolean): Signals {
  const analysis = analyse(masked.text);
  const question = isQuestion(masked.text, text);
  const cues = complaintCues(analysis, masked.text, question, null);
  const seeds = seedScores(analysis.normals, analysis.joined, analysis.facts);
  const features = extractFeatures({ analysis, masked, cues, question, seeds }, reuse);
  return {
    masked,
    analysis,
    cues,
    intensity: cues.intensity,
    question,
    lang,
    seeds,
    features,
    display: (i, from) => analysis.shown(i, from),
  };
}

function otherSignals(masked: Masked, text: string, lang: LanguageGuess, reuse: boolean): Signals {
  const question = isQuestion(masked.text, text);
  const { post, features } = readMulti({ text, lang: lang.language, masked, question }, reuse);
  const display = (i: number, from: number): string => post.shown.slice(from >= 0 ? from : i, i + 1).join(' ');
  return { masked, analysis: null, cues: null, intensity: capsAndMarks(masked.text), question, lang, seeds: post.seeds, features, display };
}

/** The English intensity rule reads only the letters and "!!!"/"??", which mean the same in any Latin or Greek script. */
function capsAndMarks(text: string): number {
  const values = text.split(/\s+/);
  return intensityOf({ values, types: values.map(() => 'word') } as unknown as Analysis, text);
}

/**
 * The star rating is deliberately not passed to the cues: review labels in the training data
 * are derived from the rating, so a rating feature would be learned as the answer. It is
 * applied after the model instead (see model.ts). `reuse` lends the feature arrays to the
 * caller until the next `reuse` call (see extractFeatures): triage() lets them go before returning.
 * `language` skips identification (training rows whose language the data set states).
 */
export function readPost(
  text: string,
  brand: BrandConfig,
  declaredLang: string | null = null,
  reuse = false,
  model: TriageModel | null = null,
  language: string | null = null,
): Signals {
  const masked = maskDetailed(text, brand);
  const lang = language ? { language, scored: true, declared: true } : identifyPostLanguage(masked.text, declaredLang, model);
  if (lang.language === 'en' || !lang.scored) return englishSignals(masked, text, lang, reuse);
  return otherSignals(masked, text, lang, reuse);
}
