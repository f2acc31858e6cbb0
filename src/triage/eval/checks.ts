import { categorise } from '../category.js';
import { brandFor, type LabelledPost } from '../dataset.js';
import { prepare } from '../fit.js';
import { maskText } from '../mask.js';
import { decideSentiment, predict, type TriageModel } from '../model.js';
import { readPost } from '../signals.js';
import type { Category } from '../types.js';
import { scoreWith } from './crossval.js';
import { fmt, table } from './metrics.js';
import type { Peer } from './peers.js';

/**
 * How the airline `negativereason` labels map to Earshot's categories. "Can't Tell" has no
 * category; "Flight Booking Problems" mixes billing, website and schedule changes, so it is
 * left out of the score rather than forced into one.
 */
export const REASON_CATEGORY: Record<string, Category | null> = {
  'Late Flight': 'delay_cancellation',
  'Cancelled Flight': 'delay_cancellation',
  'Lost Luggage': 'lost_damaged_item',
  'Damaged Luggage': 'lost_damaged_item',
  'Customer Service Issue': 'staff_service',
  'Flight Attendant Complaints': 'staff_service',
  longlines: 'staff_service',
  'Bad Flight': 'product_defect_outage',
  'Flight Booking Problems': null,
  "Can't Tell": null,
};

function share(flags: boolean[]): string {
  return `${fmt((100 * flags.filter(Boolean).length) / Math.max(1, flags.length), 1)}%`;
}

/**
 * TWCS has no labels. The one honest signal is who wrote a tweet: consumers writing to support
 * accounts complain far more often than the brands' own replies do, so a useful complaint
 * detector flags many inbound tweets and few replies. It is a proxy, not an accuracy.
 */
export function twcsProxy(model: TriageModel, twcs: LabelledPost[], peers: Peer[]): string {
  const data = prepare(twcs.map((p) => ({ key: p.key, text: p.text, brand: brandFor('twcs'), sentiment: null, complaint: null, weight: 1 })));
  const scored = scoreWith(model, data);
  const inbound = twcs.map((p) => p.inbound === true);
  const rows = [
    ['Earshot: complaint', share(scored.filter((_, i) => inbound[i]).map((s) => s.complaint)), share(scored.filter((_, i) => !inbound[i]).map((s) => s.complaint))],
    ['Earshot: negative', share(scored.filter((_, i) => inbound[i]).map((s) => s.sentiment === 'negative')), share(scored.filter((_, i) => !inbound[i]).map((s) => s.sentiment === 'negative'))],
  ];
  for (const peer of peers) {
    const neg = twcs.map((p) => peer.classify(peer.score(maskText(p.text, brandFor('twcs')))) === 'negative');
    rows.push([`${peer.name}: negative`, share(neg.filter((_, i) => inbound[i])), share(neg.filter((_, i) => !inbound[i]))]);
  }
  return [
    `\n## TWCS customer-support tweets (${inbound.filter(Boolean).length} inbound, ${inbound.filter((b) => !b).length} brand replies): NO sentiment or complaint labels`,
    'Proxy only: share flagged among consumer tweets vs among brand replies (a brand reply is rarely a complaint).',
    table(['flagged as', 'inbound (consumers)', 'brand replies'], rows),
  ].join('\n');
}

/** Category rules against the airline reasons that map to a category (rules are not trained on them). */
export function categoryCheck(model: TriageModel, airline: LabelledPost[]): string {
  const perReason = new Map<string, { n: number; ok: number }>();
  let n = 0;
  let ok = 0;
  for (const p of airline) {
    const want = p.reason ? REASON_CATEGORY[p.reason] : null;
    if (!want || !p.reason) continue;
    const sig = readPost(p.text, brandFor('airline'));
    const pred = predict(model, sig.features, null);
    const positive = decideSentiment(model, pred.probs) === 2;
    const got = categorise({ analysis: sig.analysis, question: sig.question, positive, complaint: pred.complaintProbability >= model.complaintAt });
    const r = perReason.get(p.reason) ?? { n: 0, ok: 0 };
    r.n += 1;
    n += 1;
    if (got === want) {
      r.ok += 1;
      ok += 1;
    }
    perReason.set(p.reason, r);
  }
  const rows = [...perReason].map(([reason, r]) => [reason, REASON_CATEGORY[reason] ?? '', String(r.n), fmt(r.ok / r.n)]);
  rows.push(['all mapped', '', String(n), fmt(ok / Math.max(1, n))]);
  return [
    '\n## Category (rules) vs airline negativereason, negative tweets with a mappable reason',
    "Not mapped: \"Can't Tell\", \"Flight Booking Problems\" (mixed billing/website/schedule).",
    table(['negativereason', 'category', 'rows', 'agreement'], rows),
  ].join('\n');
}
