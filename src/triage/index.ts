import type { Mention } from '../mention.js';
import type { Sentiment, TriageContext, TriageResult } from './types.js';
import { analyse, wordsOf, type Analysis } from './nlp.js';
import { maskText } from './mask.js';
import { guessLanguage, type LanguageGuess } from './language.js';
import { complaintCues, isQuestion, type ComplaintCues } from './rules.js';
import { categorise } from './category.js';
import { riskHits } from './risk.js';
import { composeUrgency } from './urgency.js';

export type { TriageContext, TriageResult } from './types.js';

/** Complaint probability at which a post is called a complaint. */
const COMPLAINT_AT = 0.5;
const POSITIVE_AT = 0.25;
const CLEARLY_POSITIVE = 0.5;
const NEGATIVE_AT = -0.05;
/** Complaint probability from which complaint evidence starts pulling the score down. */
const PULL_FROM = 0.2;

interface Polarity {
  sentiment: Sentiment;
  score: number;
  confidence: number;
}

/**
 * The lexicon score is a mean over sentences, so one angry sentence among neutral ones fades;
 * leaning towards the most extreme sentence keeps it. Complaint evidence then pulls the score
 * down, which is what makes "still waiting for my bag" negative with no negative word in it.
 */
function polarity(a: Analysis, cues: ComplaintCues, question: boolean): Polarity {
  const extreme = Math.abs(a.minSentence) > Math.abs(a.maxSentence) ? a.minSentence : a.maxSentence;
  // Praise phrases the lexicon does not know ("above and beyond", "made my day") add a little.
  let lexical = 0.5 * a.docScore + 0.5 * extreme + Math.min(0.3, 0.08 * cues.praise);
  // "Thanks in advance!" closing a request is politeness, not praise.
  if (question && lexical > 0) lexical *= 0.5;
  const pull = Math.max(0, (cues.probability - PULL_FROM) / (1 - PULL_FROM));
  const score = Math.max(-1, Math.min(1, lexical * (1 - pull) - 0.8 * pull));
  if (score <= NEGATIVE_AT) {
    return { sentiment: 'negative', score, confidence: Math.min(0.97, 0.55 + Math.max(-score, cues.probability - 0.5) * 0.8) };
  }
  // wink scores "help", "please", "hope" as mildly positive, so requests look happy; weak positives need praise words too.
  if (score >= POSITIVE_AT && (cues.praise >= 0.5 || score >= CLEARLY_POSITIVE)) {
    return { sentiment: 'positive', score, confidence: Math.min(0.95, 0.5 + score * 0.7) };
  }
  return { sentiment: 'neutral', score, confidence: Math.min(0.8, 0.6 - Math.abs(score) * 1.5 + 0.2 * (1 - cues.probability)) };
}

function unscoredReason(lang: LanguageGuess): string {
  return lang.declared
    ? `language "${lang.language}" not supported: sentiment not scored`
    : 'language not recognised: sentiment not scored';
}

/**
 * Rule-based triage. Everything about how a post is judged stays behind this function, so the
 * trained model planned for later can replace the internals without touching callers.
 */
export function triage(mention: Mention, context: TriageContext): TriageResult {
  const text = maskText(mention.text, context.brand);
  const a = analyse(text);
  const lang = guessLanguage(text, { words: wordsOf(a), known: a.knownWords }, mention.lang);
  const question = isQuestion(text, mention.text);
  const cues = complaintCues(a, text, question, mention.rating);
  const pol: Polarity = lang.scored ? polarity(a, cues, question) : { sentiment: 'neutral', score: 0, confidence: 0.2 };
  const complaint = cues.probability >= COMPLAINT_AT;
  const risks = riskHits(text);
  const category = categorise({ analysis: a, question, positive: pol.sentiment === 'positive', complaint });
  const { urgency, reasons } = composeUrgency({
    mention,
    context,
    sentiment: pol.sentiment,
    score: pol.score,
    complaintProbability: cues.probability,
    intensity: cues.intensity,
    risks,
  });
  if (!lang.scored) reasons.push(unscoredReason(lang));
  return {
    sentiment: pol.sentiment,
    score: round(pol.score),
    sentimentConfidence: round(pol.confidence),
    complaint,
    complaintProbability: round(cues.probability),
    category,
    question,
    language: lang.language,
    urgency,
    reasons,
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
