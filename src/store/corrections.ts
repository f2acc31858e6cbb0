import type { Redis } from 'ioredis';
import type { Category, Sentiment, TriageResult } from '../triage/types.js';
import { encodeTriage } from './codec.js';
import type { StoreKeys } from './keys.js';
import { runScript } from './scripts.js';

/**
 * Responders' corrections to triage, kept as training labels: one Redis stream per brand, each
 * entry with a snapshot of the post's text (the mention itself expires with the retention, the
 * label must not), what triage had said, what the responder says, who and when.
 * `npm run train -- --with-corrections` reads them back.
 */
export interface CorrectionLabels {
  sentiment?: Sentiment;
  complaint?: boolean;
  category?: Category;
}

export interface Correction {
  itemId: string;
  brandId: string;
  text: string;
  /** Mention language tag, so retraining can skip what the model does not read. */
  lang: string | null;
  labels: CorrectionLabels;
  /** What triage said before the correction, for measuring how often it was wrong. */
  before: { sentiment: string; complaint: boolean; category: string } | null;
  actor: string;
  at: string;
  /** Schema version, set by saveCorrection; records without one predate CORRECTION_VERSION. */
  v?: number;
  /**
   * Set when read back: this record's complaint label cannot be trusted. Until version 2 the
   * inbox's form started the complaint box unchecked whatever triage said, so a saved
   * `complaint: false` may only mean nobody touched the box. A `true` was a deliberate tick.
   */
  complaintSuspect?: boolean;
}

/** 2: the correction form shows triage's complaint flag, so an untouched box no longer reads as "not a complaint". */
export const CORRECTION_VERSION = 2;

function complaintSuspect(c: Correction): boolean {
  return (c.v ?? 1) < 2 && c.labels.complaint === false;
}

/** Labels are worth keeping for years; the cap only guards against a runaway client. */
export const CORRECTIONS_MAXLEN = 200_000;

export function correctionKeys(prefix: string) {
  return {
    brands: `${prefix}:corr:brands`,
    stream: (brandId: string) => `${prefix}:corr:b:${brandId}`,
  };
}

export async function saveCorrection(redis: Redis, prefix: string, c: Correction): Promise<string> {
  const keys = correctionKeys(prefix);
  const [[, id] = []] = ((await redis
    .multi()
    .xadd(keys.stream(c.brandId), 'MAXLEN', '~', CORRECTIONS_MAXLEN, '*', 'c', JSON.stringify({ ...c, complaintSuspect: undefined, v: CORRECTION_VERSION }))
    .sadd(keys.brands, c.brandId)
    .exec()) ?? []) as Array<[Error | null, unknown]>;
  return String(id);
}

/** Page through a stream oldest first, so a large history does not arrive in one reply. */
async function readStream(redis: Redis, key: string): Promise<Correction[]> {
  const out: Correction[] = [];
  let start = '-';
  for (;;) {
    const page = await redis.xrange(key, start, '+', 'COUNT', 1000);
    for (const [, fields] of page) {
      const json = fields[fields.indexOf('c') + 1];
      if (json) out.push(JSON.parse(json) as Correction);
    }
    if (page.length < 1000) return out;
    start = `(${page[page.length - 1]?.[0]}`;
  }
}

/** Later labels override earlier ones field by field; the suspicion travels with the complaint label it is about. */
function mergeCorrection(prev: Correction | undefined, c: Correction): Correction {
  const suspect = complaintSuspect(c);
  if (!prev) return { ...c, complaintSuspect: suspect };
  const fromThis = c.labels.complaint !== undefined;
  return { ...c, labels: { ...prev.labels, ...c.labels }, before: prev.before, complaintSuspect: fromThis ? suspect : Boolean(prev.complaintSuspect) };
}

/**
 * All corrections, one per item: when an item was corrected more than once, later labels
 * override earlier ones field by field ("negative" then "not a complaint" keeps both).
 */
export async function readCorrections(redis: Redis, prefix: string, brandIds?: string[]): Promise<Correction[]> {
  const keys = correctionKeys(prefix);
  const brands = brandIds ?? (await redis.smembers(keys.brands)).sort();
  const merged = new Map<string, Correction>();
  for (const brandId of brands) {
    for (const c of await readStream(redis, keys.stream(brandId))) {
      const key = `${c.brandId}\u0000${c.itemId}`;
      merged.set(key, mergeCorrection(merged.get(key), c));
    }
  }
  return [...merged.values()];
}

/** HSET only on an item that still exists, so a correction racing the retention does not leave a half item behind. */
const SET_IF_EXISTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1`;

/**
 * Shows the corrected labels in the inbox: the item's own fields and the mention's stored
 * triage, which the item view reads. Urgency and reasons stay as triage computed them.
 */
export async function applyCorrection(redis: Redis, keys: StoreKeys, itemId: string, labels: CorrectionLabels, stored: TriageResult | null): Promise<void> {
  const itemFields: string[] = [];
  if (labels.sentiment) itemFields.push('sentiment', labels.sentiment);
  if (labels.category) itemFields.push('category', labels.category);
  itemFields.push('updatedAt', String(Date.now()));
  await runScript(redis, 'earshotSetIfExists', SET_IF_EXISTS, [keys.item(itemId)], itemFields);
  if (stored) {
    const triage: TriageResult = {
      ...stored,
      ...(labels.sentiment ? { sentiment: labels.sentiment } : {}),
      ...(labels.complaint !== undefined ? { complaint: labels.complaint } : {}),
      ...(labels.category ? { category: labels.category } : {}),
    };
    await runScript(redis, 'earshotSetIfExists', SET_IF_EXISTS, [keys.mention(itemId)], ['t', encodeTriage(triage)]);
  }
}
