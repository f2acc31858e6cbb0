import type { BrandConfig } from '../config/schema.js';
import { extractFeatures, type Features } from './features.js';
import { guessLanguage, type LanguageGuess } from './language.js';
import { maskDetailed, type Masked } from './mask.js';
import { analyse, wordsOf, type Analysis } from './nlp.js';
import { complaintCues, isQuestion, type ComplaintCues } from './rules.js';

/** Everything read from a post's text, computed once and shared by the model, category, urgency and reasons. */
export interface Signals {
  masked: Masked;
  analysis: Analysis;
  cues: ComplaintCues;
  question: boolean;
  lang: LanguageGuess;
  features: Features;
}

/**
 * The star rating is deliberately not passed to the cues: review labels in the training data
 * are derived from the rating, so a rating feature would be learned as the answer. It is
 * applied after the model instead (see model.ts). `reuse` lends the feature arrays to the
 * caller until the next `reuse` call (see extractFeatures): triage() lets them go before returning.
 */
export function readPost(text: string, brand: BrandConfig, declaredLang: string | null = null, reuse = false): Signals {
  const masked = maskDetailed(text, brand);
  const analysis = analyse(masked.text);
  const lang = guessLanguage(masked.text, { words: wordsOf(analysis), known: () => analysis.knownWords }, declaredLang);
  const question = isQuestion(masked.text, text);
  const cues = complaintCues(analysis, masked.text, question, null);
  const features = extractFeatures({ analysis, masked, cues, question }, reuse);
  return { masked, analysis, cues, question, lang, features };
}
