import { createRequire } from 'node:module';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import type { Sentiment } from '../../../triage-types.js';

/**
 * The lexicon methods Earshot is measured against, each with its usual decision rule. Only the
 * evaluation and tests load this file: vader-sentiment and sentiment are dev dependencies.
 */
export interface Peer {
  name: string;
  /** Polarity; > 0 leans positive, < 0 negative. */
  score(text: string): number;
  /** The method's own 3-class rule. */
  classify(score: number): Sentiment;
}

const require = createRequire(import.meta.url);

interface Vader {
  SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
}
interface AfinnCtor {
  new (): { analyze(text: string): { score: number } };
}

function sign(score: number): Sentiment {
  return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
}

export function loadPeers(): Peer[] {
  const nlp = winkNLP(model, ['sbd', 'negation', 'sentiment']);
  const vader = require('vader-sentiment') as Vader;
  const Afinn = require('sentiment') as AfinnCtor;
  const afinn = new Afinn();
  return [
    { name: 'wink-nlp sentiment', score: (t) => Number(nlp.readDoc(t).out(nlp.its.sentiment)) || 0, classify: sign },
    {
      name: 'VADER',
      score: (t) => vader.SentimentIntensityAnalyzer.polarity_scores(t).compound,
      // The VADER authors' thresholds.
      classify: (s) => (s >= 0.05 ? 'positive' : s <= -0.05 ? 'negative' : 'neutral'),
    },
    { name: 'AFINN (sentiment)', score: (t) => afinn.analyze(t).score, classify: sign },
  ];
}

/** Binary tasks (reviews) have no neutral: a method says negative only when its score is below zero. */
export function binary(score: number): Sentiment {
  return score < 0 ? 'negative' : 'positive';
}
