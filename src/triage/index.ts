import type { Mention } from '../mention.js';
import type { TriageContext, TriageResult } from './types.js';
import { categorise } from './category.js';
import { complaintBecause } from './explain.js';
import { activeModel, decideSentiment, predict, SENTIMENT_CLASSES } from './model.js';
import { riskHits } from './risk.js';
import { readPost, type Signals } from './signals.js';
import { composeUrgency } from './urgency.js';

export type { TriageContext, TriageResult } from './types.js';

interface Judgement {
  sentiment: TriageResult['sentiment'];
  score: number;
  confidence: number;
  complaintProbability: number;
  complaint: boolean;
  because: string | null;
}

/** Text the model cannot read gets no sentiment claim at all; urgency then rests on risk terms, reach and history. */
const UNSCORED: Judgement = { sentiment: 'neutral', score: 0, confidence: 0, complaintProbability: 0, complaint: false, because: null };

function judge(sig: Signals, mention: Mention, brandId: string): Judgement {
  const model = activeModel();
  const { probs, complaintProbability } = predict(model, sig.features, brandId, mention.rating);
  const cls = decideSentiment(model, probs);
  const complaint = complaintProbability >= model.complaintAt;
  return {
    sentiment: SENTIMENT_CLASSES[cls],
    score: probs[2] - probs[0],
    confidence: probs[cls],
    complaintProbability,
    complaint,
    because: complaintProbability >= 0.5 ? complaintBecause(model.weights, sig) : null,
  };
}

function unscoredReason(sig: Signals): string {
  return sig.lang.declared
    ? `language "${sig.lang.language}" not supported: sentiment not scored`
    : 'language not recognised: sentiment not scored';
}

/**
 * Scores one post: a trained model (see model.ts, trained by `npm run train`) for sentiment
 * and complaint over wink-nlp features, rules for category and risk terms, and an urgency
 * built from named parts so every point comes with a reason.
 */
export function triage(mention: Mention, context: TriageContext): TriageResult {
  // The features are not kept past this call, so their buffers can be reused.
  const sig = readPost(mention.text, context.brand, mention.lang, true);
  const j = sig.lang.scored ? judge(sig, mention, context.brand.id) : UNSCORED;
  const risks = riskHits(sig.masked.text);
  const category = categorise({ analysis: sig.analysis, question: sig.question, positive: j.sentiment === 'positive', complaint: j.complaint });
  const { urgency, reasons } = composeUrgency({
    mention,
    context,
    sentiment: j.sentiment,
    score: j.score,
    complaintProbability: j.complaintProbability,
    because: j.because,
    intensity: sig.cues.intensity,
    risks,
  });
  if (!sig.lang.scored) reasons.push(unscoredReason(sig));
  return {
    sentiment: j.sentiment,
    score: round(j.score),
    sentimentConfidence: round(j.confidence),
    sentimentScored: sig.lang.scored,
    complaint: j.complaint,
    complaintProbability: round(j.complaintProbability),
    category,
    question: sig.question,
    language: sig.lang.language,
    urgency,
    reasons,
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
