import type { Category, Sentiment, TriageResult } from '../triage-types.js';
import { REASON_FRAGMENTS } from './reason-fragments.js';

/**
 * How a triage result is kept (mentions.triage, and the Redis store before PostgreSQL): a
 * compact form in a fixed field order. Five forms read back (version 3 is described at encodeV3,
 * version 4, the one mentions are written in, in triage-row.ts):
 * - objects, from the first Redis versions (they start with "{");
 * - arrays whose reasons are plain strings (version 1, and every row written before version 2);
 * - version 2: the reasons array starts with the number 2 and each reason has the
 *   fragments of reason-fragments.ts as one private-use character each; sentiment and category
 *   are positions in the frozen lists below. The positions of the fields did not change, so SQL
 *   that reads a field by position (the language, migrate-from-redis-sql.ts) reads every form.
 * Decoding gives back the exact text triage wrote, so every reader (API, inbox, alerts, export)
 * shows the same reasons whatever form a row is in.
 */
type TriageRow = [
  sentiment: Sentiment | number,
  score: number,
  confidence: number,
  scored: 0 | 1,
  complaint: 0 | 1,
  complaintProbability: number,
  category: Category | number,
  question: 0 | 1,
  language: string,
  urgency: number,
  reasons: Array<string | number>,
  irony?: number,
];

type HeadFields = [Sentiment | number, number, number, 0 | 1, 0 | 1, number, Category | number, 0 | 1, string, number];

const VERSION = 2;
/** Append only, like the fragments: a stored row names a value by its position. */
const SENTIMENTS: readonly Sentiment[] = ['negative', 'neutral', 'positive'];
const CATEGORIES: readonly Category[] = [
  'delay_cancellation',
  'lost_damaged_item',
  'billing_refund',
  'staff_service',
  'product_defect_outage',
  'account_login',
  'safety_legal_press',
  'praise',
  'question',
  'other',
];

const FIRST = 0xe001;
/** A reason that itself holds a character of the fragment range is stored verbatim after this mark. */
const VERBATIM = '\ue000';
const RESERVED = /[\ue000-\ue0ff]/u;
const CODED = /[\ue001-\ue0ff]/gu;
// Longest first, so "possible complaint (" wins over "complaint (" at the same place.
const ANY_FRAGMENT = new RegExp(
  [...REASON_FRAGMENTS]
    .sort((a, b) => b.length - a.length)
    .map((f) => f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('|'),
  'gu',
);
const CODE_OF = new Map(REASON_FRAGMENTS.map((f, i) => [f, String.fromCharCode(FIRST + i)]));

export function packReason(reason: string): string {
  if (RESERVED.test(reason)) return VERBATIM + reason;
  return reason.replace(ANY_FRAGMENT, (f) => CODE_OF.get(f) ?? f);
}

export function unpackReason(packed: string): string {
  if (packed.startsWith(VERBATIM)) return packed.slice(1);
  return packed.replace(CODED, (c) => REASON_FRAGMENTS[c.charCodeAt(0) - FIRST] ?? c);
}

/** A position in a frozen list, or the value itself when the list does not have it (yet). */
function code<T extends string>(list: readonly T[], value: T): T | number {
  const i = list.indexOf(value);
  return i < 0 ? value : i;
}

function uncode<T extends string>(list: readonly T[], value: T | number, fallback: T): T {
  return typeof value === 'number' ? (list[value] ?? fallback) : value;
}

/**
 * Version 3, written now: version 2's fields in the same order without JSON's brackets, quotes and
 * escapes, each separated by \x1e, the reasons by \x1f (still with their fragments as one
 * character each), irony last or empty. SQL that needs a field reads it by position with
 * split_part (migrate-from-redis-sql.ts, the language). A result whose language or reasons hold a
 * control character is written as version 2, so the separators mean only what they say here.
 */
const V3 = '\x1d';
const FIELD = '\x1e';
const REASON = '\x1f';
const CONTROL = /[\x00-\x1f]/u;

/** The fields both versions store first, in this order. */
function headFields(t: TriageResult): HeadFields {
  return [
    code(SENTIMENTS, t.sentiment),
    t.score,
    t.sentimentConfidence,
    t.sentimentScored === false ? 0 : 1,
    t.complaint ? 1 : 0,
    t.complaintProbability,
    code(CATEGORIES, t.category),
    t.question ? 1 : 0,
    t.language,
    t.urgency,
  ];
}

function encodeV3(t: TriageResult): string | null {
  // An empty reason would read back as no reason at all.
  if (CONTROL.test(t.language) || t.reasons.some((r) => r === '' || CONTROL.test(r))) return null;
  const fields = [...headFields(t), t.irony ?? '', t.reasons.map(packReason).join(REASON)];
  return V3 + fields.join(FIELD);
}

function positionOrName<T extends string>(list: readonly T[], stored: string, fallback: T): T {
  return /^\d+$/.test(stored) ? (list[Number(stored)] ?? fallback) : (stored as T);
}

function decodeV3(raw: string): TriageResult {
  const [
    sentiment = '',
    score,
    confidence,
    scored,
    complaint,
    probability,
    category = '',
    question,
    language = '',
    urgency,
    irony = '',
    reasons = '',
  ] = raw.slice(1).split(FIELD);
  return {
    sentiment: positionOrName(SENTIMENTS, sentiment, 'neutral'),
    score: Number(score),
    sentimentConfidence: Number(confidence),
    sentimentScored: scored === '1',
    complaint: complaint === '1',
    complaintProbability: Number(probability),
    ...(irony !== '' ? { irony: Number(irony) } : {}),
    category: positionOrName(CATEGORIES, category, 'other'),
    question: question === '1',
    language,
    urgency: Number(urgency),
    reasons: reasons === '' ? [] : reasons.split(REASON).map(unpackReason),
  };
}

export function encodeTriage(t: TriageResult): string {
  return encodeV3(t) ?? encodeTriageJson(t);
}

/** Version 2 (JSON): for SQL that reads the result as JSON, and results version 3 cannot hold. */
export function encodeTriageJson(t: TriageResult): string {
  const row: TriageRow = [...headFields(t), [VERSION, ...t.reasons.map(packReason)]];
  if (t.irony !== undefined) row.push(t.irony);
  return JSON.stringify(row);
}

function decodeReasons(stored: Array<string | number>): string[] {
  if (stored[0] !== VERSION) return stored.map(String);
  return stored.slice(1).map((r) => unpackReason(String(r)));
}

export function decodeTriage(raw: string): TriageResult {
  if (raw.startsWith(V3)) return decodeV3(raw);
  if (raw.startsWith('{')) return JSON.parse(raw) as TriageResult;
  const [
    sentiment,
    score,
    sentimentConfidence,
    scored,
    complaint,
    complaintProbability,
    category,
    question,
    language,
    urgency,
    reasons,
    irony,
  ] = JSON.parse(raw) as TriageRow;
  // Rows written before irony was scored have ten fields, and read back without it.
  return {
    sentiment: uncode(SENTIMENTS, sentiment, 'neutral'),
    score,
    sentimentConfidence,
    sentimentScored: scored === 1,
    complaint: complaint === 1,
    complaintProbability,
    ...(irony !== undefined ? { irony } : {}),
    category: uncode(CATEGORIES, category, 'other'),
    question: question === 1,
    language,
    urgency,
    reasons: decodeReasons(reasons),
  };
}
