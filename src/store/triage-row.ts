import type { TriageResult } from '../triage-types.js';
import { decodeTriage, encodeTriage, packReason, unpackReason } from './triage-codec.js';

/**
 * A mention's triage as its row keeps it: since migration 26 the row has score, sentiment,
 * category, urgency and complaint in their own columns (the queue, stats and spikes read them),
 * so the text (version 4) leaves those out and the reader takes them from the columns. That is
 * about a fifth of what a row held for its triage.
 *
 * Version 4: the mark \x1c, then the flags (1 scored, 2 a question; as a digit), the sentiment
 * confidence, the complaint probability, the irony (empty: not scored) and the language, then the
 * reasons as in version 3 (fragments as one character each, \x1f between them), all separated by
 * \x1e. The three probabilities are whole thousandths ("973" for 0.973, what triage rounds to), or
 * "=" and the number when that is shorter or not exact. The language is the 5th field, for SQL
 * that reads it by position (migrate-from-redis-sql.ts).
 *
 * It is written only when the columns give back exactly what the text would have held: a score of
 * whole thousandths that a real keeps (triage rounds to them), a whole urgency (the column is a
 * smallint), a boolean complaint, and a sentiment and category that version 3 would not have read
 * as positions. Anything else is written in version 3, which needs no columns. Every writer of a
 * version 4 text writes the five columns from the same result in the same statement.
 */
export interface TriageColumns {
  triage_score: number | null;
  triage_sentiment: string | null;
  triage_category: string | null;
  triage_urgency: number | null;
  triage_complaint: boolean | null;
}

/** The columns a stored mention's triage is read with, named as TriageColumns has them. */
export const TRIAGE_COLUMNS = (m: string) =>
  `${m}.score AS triage_score, ${m}.sentiment AS triage_sentiment, ${m}.category AS triage_category, ${m}.urgency AS triage_urgency, ${m}.complaint AS triage_complaint`;

const V4 = '\x1c';
const FIELD = '\x1e';
const REASON = '\x1f';
const CONTROL = /[\x00-\x1f]/u;
// A label version 3 keeps as itself (a label of digits it would read as a position in its lists).
const LABEL = /^[a-z][a-z_]{0,62}$/u;

function thousandths(n: number): string {
  const k = Math.round(n * 1000);
  const exact = Number.isSafeInteger(k) && k / 1000 === n ? String(k) : null;
  const literal = `=${String(n)}`;
  return exact !== null && exact.length <= literal.length ? exact : literal;
}

function fromThousandths(stored: string): number {
  return stored.startsWith('=') ? Number(stored.slice(1)) : Number(stored) / 1000;
}

/** Whether the columns hold these values exactly, and the rest fits the separated form. */
function fitsV4(t: TriageResult): boolean {
  const score = typeof t.score === 'number' && Math.abs(t.score) < 100 && Math.round(t.score * 1000) / 1000 === t.score;
  const urgency = Number.isInteger(t.urgency) && t.urgency >= -32768 && t.urgency <= 32767;
  const labels = typeof t.sentiment === 'string' && LABEL.test(t.sentiment) && typeof t.category === 'string' && LABEL.test(t.category);
  const numbers =
    typeof t.sentimentConfidence === 'number' &&
    typeof t.complaintProbability === 'number' &&
    (t.irony === undefined || typeof t.irony === 'number');
  const text =
    typeof t.language === 'string' &&
    !CONTROL.test(t.language) &&
    Array.isArray(t.reasons) &&
    t.reasons.every((r) => typeof r === 'string' && r !== '' && !CONTROL.test(r));
  return score && urgency && labels && numbers && text && typeof t.complaint === 'boolean';
}

/** The text for mentions.triage; the columns are written from the same result (mentions.ts). */
export function encodeTriageRow(t: TriageResult): string {
  if (!fitsV4(t)) return encodeTriage(t);
  const flags = (t.sentimentScored === false ? 0 : 1) + (t.question ? 2 : 0);
  const fields = [
    String(flags),
    thousandths(t.sentimentConfidence),
    thousandths(t.complaintProbability),
    t.irony === undefined ? '' : thousandths(t.irony),
    t.language,
    t.reasons.map(packReason).join(REASON),
  ];
  return V4 + fields.join(FIELD);
}

function decodeV4(raw: string, c: TriageColumns): TriageResult {
  const { triage_score: score, triage_sentiment: sentiment, triage_category: category, triage_urgency: urgency } = c;
  const complaint = c.triage_complaint;
  if (score === null || sentiment === null || category === null || urgency === null || complaint === null) {
    throw new Error('a version 4 triage row without its score, sentiment, category, urgency or complaint column');
  }
  const [flags = '', confidence = '', probability = '', irony = '', language = '', reasons = ''] = raw.slice(1).split(FIELD);
  const bits = Number(flags);
  // In the order version 3 gives its fields, so an answer's JSON reads the same. "+ 0": version 3 read -0 back as 0.
  return {
    sentiment: sentiment as TriageResult['sentiment'],
    score: Math.round(score * 1000) / 1000 + 0,
    sentimentConfidence: fromThousandths(confidence),
    sentimentScored: (bits & 1) === 1,
    complaint,
    complaintProbability: fromThousandths(probability),
    ...(irony !== '' ? { irony: fromThousandths(irony) } : {}),
    category: category as TriageResult['category'],
    question: (bits & 2) === 2,
    language,
    urgency: urgency + 0,
    reasons: reasons === '' ? [] : reasons.split(REASON).map(unpackReason),
  };
}

/** A stored mention's triage, whichever form its text is in (the older ones need no columns). */
export function decodeTriageRow(raw: string, columns: TriageColumns): TriageResult {
  return raw.startsWith(V4) ? decodeV4(raw, columns) : decodeTriage(raw);
}
