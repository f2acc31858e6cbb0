import type { Mention } from '../mention.js';
import type { TriageContext, TriageResult } from '../triage-types.js';
import { categorise } from './category.js';
import { complaintBecause } from './explain.js';
import { LANGUAGE_NAMES } from './language.js';
import { categoryOf, decide, type Decision } from './decide.js';
import { activeModel, type TriageModel } from './model.js';
import { riskHits } from './risk.js';
import { readPost, type Signals } from './signals.js';
import { composeUrgency } from './urgency.js';

export type { TriageContext, TriageResult } from '../triage-types.js';

interface Judgement extends Decision {
  because: string | null;
}

/** Text the model cannot read gets no sentiment claim at all; urgency then rests on risk terms, reach and history. */
const UNSCORED: Judgement = {
  sentiment: 'neutral',
  probs: [0, 1, 0],
  score: 0,
  confidence: 0,
  complaintProbability: 0,
  complaint: false,
  irony: 0,
  sarcastic: false,
  because: null,
};

function judge(model: TriageModel, sig: Signals, brandId: string, rating: number | null): Judgement {
  const d = decide(model, sig.features, sig.lang.language, brandId, rating);
  const because = d.complaintProbability >= 0.5 ? complaintBecause(model.main, sig) : null;
  // Spelled out: an object spread here cost as much as scoring the post with the model.
  return {
    sentiment: d.sentiment,
    probs: d.probs,
    score: d.score,
    confidence: d.confidence,
    complaintProbability: d.complaintProbability,
    complaint: d.complaint,
    irony: d.irony,
    sarcastic: d.sarcastic,
    because,
  };
}

function unscoredReason(sig: Signals): string {
  const code = sig.lang.language;
  if (code === 'und') return 'language not recognised: not scored';
  return `language ${LANGUAGE_NAMES[code] ?? code} (${code}): not scored`;
}

/**
 * Scores one post: the language first (language.ts), then a trained model (model.ts, trained by
 * `npm run train`) for sentiment, complaint, irony and category over that language's features,
 * risk terms in every supported language, and an urgency built from named parts so every point
 * comes with a reason.
 */
export function triage(mention: Mention, context: TriageContext): TriageResult {
  const model = activeModel();
  // The features are not kept past this call, so their buffers can be reused.
  const sig = readPost(mention.text, context.brand, mention.lang, true, model);
  const j = sig.lang.scored ? judge(model, sig, context.brand.id, mention.rating) : UNSCORED;
  const risks = riskHits(sig.masked.text);
  const category = sig.lang.scored
    ? categoryOf(model, sig.features, j, sig.question)
    : categorise({ seeds: sig.seeds, probs: null, threshold: 1, question: sig.question, positive: false, complaint: false });
  const { urgency, reasons } = composeUrgency({
    mention,
    context,
    sentiment: j.sentiment,
    score: j.score,
    complaintProbability: j.complaintProbability,
    because: j.because,
    intensity: sig.intensity,
    risks,
    sarcastic: j.sarcastic,
  });
  if (!sig.lang.scored) reasons.push(unscoredReason(sig));
  return {
    sentiment: j.sentiment,
    score: round(j.score),
    sentimentConfidence: round(j.confidence),
    sentimentScored: sig.lang.scored,
    complaint: j.complaint,
    complaintProbability: round(j.complaintProbability),
    irony: round(j.irony),
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
