import { categorise } from './category.js';
import { DENSE_FEATURES, SEED_OFFSET, type Features } from './features.js';
import { SEED_CATEGORIES } from './category.js';
import { decideSentiment, predict, predictCategory, SENTIMENT_CLASSES, type TriageModel } from './model.js';
import type { Category, Sentiment } from '../triage-types.js';

/**
 * From the model's scores to triage's decisions, shared by triage() and the cross-validation so
 * the evaluation measures exactly what runs. A sarcastic post is not praise: when the irony head
 * is sure, a positive reading becomes negative (irony in posts to brands is nearly always a
 * complaint in disguise). Irony is trained on English tweets only, so other languages keep their reading.
 */
export interface Decision {
  sentiment: Sentiment;
  probs: [number, number, number];
  /** P(positive) − P(negative); negative when sarcasm overruled a positive reading. */
  score: number;
  confidence: number;
  complaintProbability: number;
  complaint: boolean;
  irony: number;
  sarcastic: boolean;
}

const D = (name: (typeof DENSE_FEATURES)[number]): number => DENSE_FEATURES.indexOf(name);
const MARKS = D('sarcasm marks');
const PROBLEM_EVIDENCE = [D('problem words'), D('time wasted / waiting'), D('praise beside a problem'), D('something did not happen')];

/**
 * A mark of sarcasm (🙃, scare quotes, "thanks a lot", "love how") in a post that also names a
 * problem or lost time: praise and a complaint in one breath is how sarcasm reads. The irony head
 * alone misses most of these (its training tweets are general ones, not posts to brands), so for
 * them it only has to fail to be sure the post is sincere.
 */
export function strongSarcasmCue(x: Features): boolean {
  return (x.val[MARKS] ?? 0) > 0 && PROBLEM_EVIDENCE.some((i) => (x.val[i] ?? 0) > 0);
}
export const CUE_IRONY_AT = 0.15;

/**
 * A neutral reading of a post with that cue ("Acme your update deleted 2 years of my journal.
 * Thanks a lot 🙃", which the sentiment head calls neutral: the praise and the problem cancel out)
 * is sarcasm too, and so a complaint in disguise: it reads negative, like the positive readings the
 * cue overrules.
 */
export function cueOverrulesNeutral(x: Features, irony: number): boolean {
  return strongSarcasmCue(x) && irony >= CUE_IRONY_AT;
}

const QUESTION_AT = D('question');
const BLAME = D('blame');
/**
 * A question that names no problem, no lost time, nothing that did not happen and no blame ("How
 * do I add a second bag?") needs this much more complaint probability: asking is not
 * complaining, and the complaint set's questions to brands are often complaints in disguise
 * ("where is my order?"), which the head learned from. Cost in the leave-one-industry-out CV:
 * complaint F1 0.688 → 0.684 (README).
 */
const PLAIN_QUESTION_MARGIN = 0.05;

export function plainQuestion(x: Features): boolean {
  return x.val[QUESTION_AT] === 1 && !(x.val[BLAME] ?? 0) && PROBLEM_EVIDENCE.every((i) => !(x.val[i] ?? 0));
}

const NAMES_BRAND = D('names the brand');

/**
 * Posts that name the brand (what its keyword searches and mentions bring in) are far more often
 * negative than posts that do not (chatter around a topic, replies down a thread): two-thirds of
 * the airline set against one sixth of general tweets. One threshold tuned for airline recall
 * called a third of neutral general tweets negative, so English posts that do not name the brand
 * have their own, tuned on inner folds with the irony threshold (tune-irony.ts).
 */
export function sentimentClass(
  model: Pick<TriageModel, 'negativeAt' | 'negativeAtByLanguage' | 'negativeAtUnaddressed'>,
  probs: [number, number, number],
  lang: string,
  x: Features,
): 0 | 1 | 2 {
  const unaddressed = model.negativeAtUnaddressed;
  if (unaddressed === undefined || lang !== 'en' || (x.val[NAMES_BRAND] ?? 0) > 0) return decideSentiment(model, probs, lang);
  if (probs[0] >= unaddressed) return 0;
  return probs[2] > probs[1] ? 2 : 1;
}

/**
 * The irony head learned sarcasm from tweets that name no brand; on posts to a brand its reading
 * alone turned more sincere praise negative than sarcasm it caught, so those have their own
 * threshold, chosen on inner folds (tune-irony.ts), and the cue rule below still applies to them.
 */
export function ironyThreshold(model: Pick<TriageModel, 'ironyAt' | 'ironyAtAddressed'>, x: Features): number {
  if (strongSarcasmCue(x)) return CUE_IRONY_AT;
  return (x.val[NAMES_BRAND] ?? 0) > 0 ? (model.ironyAtAddressed ?? model.ironyAt) : model.ironyAt;
}

/**
 * What a sarcastic post reads as instead of praise. Negative when it is said to the brand or
 * carries a sarcasm mark beside a problem: a complaint in disguise. A post naming no brand that
 * only the irony head finds ironic is "not praise", neutral: among general tweets its reading
 * turned sincere praise and plain statements negative far more often than real negatives
 * (out of fold, 62 of 64 such general tweets were labelled positive or neutral), and a responder
 * loses nothing, since the reasons still say "reads as sarcastic".
 */
export function sarcasmReading(x: Features): 0 | 1 {
  return strongSarcasmCue(x) || (x.val[NAMES_BRAND] ?? 0) > 0 ? 0 : 1;
}

export function decide(
  model: TriageModel,
  x: Features,
  lang: string,
  brandId: string | null = null,
  rating: number | null = null,
): Decision {
  const { probs, complaintProbability, irony: rawIrony } = predict(model, x, brandId, rating);
  const irony = lang === 'en' ? rawIrony : 0;
  let cls = sentimentClass(model, probs, lang, x);
  const sarcastic = (cls === 2 && irony >= ironyThreshold(model, x)) || (cls === 1 && cueOverrulesNeutral(x, irony));
  if (sarcastic) cls = sarcasmReading(x);
  return {
    sentiment: SENTIMENT_CLASSES[cls],
    probs,
    score: sarcastic ? -Math.abs(probs[2] - probs[0]) : probs[2] - probs[0],
    confidence: sarcastic ? irony : probs[cls],
    complaintProbability,
    complaint: complaintProbability >= model.complaintAt + (plainQuestion(x) ? PLAIN_QUESTION_MARGIN : 0),
    irony,
    sarcastic,
  };
}

const scratch = new Float64Array(SEED_CATEGORIES.length + 1);
const QUESTION = DENSE_FEATURES.indexOf('question');

/** The category, from the head (computed only when needed) and the seed strengths held in the features. */
export function categoryOf(model: TriageModel, x: Features, d: Decision, question = x.val[QUESTION] === 1): Category {
  const seeds: number[] = [];
  for (let i = 0; i < SEED_CATEGORIES.length; i += 1) seeds.push(x.val[SEED_OFFSET + i] as number);
  return categorise({
    seeds,
    probs: () => predictCategory(model, x, scratch),
    threshold: model.categoryAt,
    question,
    positive: d.sentiment === 'positive',
    complaint: d.complaint,
    negative: d.sentiment === 'negative',
  });
}
