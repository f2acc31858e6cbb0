import type { Category } from './types.js';
import { phrase, phraseIn, type Analysis, type Phrase } from './nlp.js';

interface Group {
  category: Category;
  /** Higher = more specific, wins ties and close calls: "my lost bag was charged a fee" is a lost-bag case first. */
  weight: number;
  words: Set<string>;
  phrases: Phrase[];
  /** Words of which one must also appear: "add a bag" is not a lost bag, nor is "shouting about a bag". */
  requires?: Set<string>;
}

const words = (s: string): Set<string> => new Set(s.split(/\s+/).filter(Boolean));

const RAW_GROUPS: Array<Omit<Group, 'phrases'> & { phrases: RegExp[] }> = [
  {
    category: 'safety_legal_press',
    weight: 3,
    words: words(`lawyer lawyers attorney sue suing lawsuit legal unsafe safety dangerous danger emergency injured
      injury hospital police reporter journalist newsroom newspaper smoke fumes faa ntsb regulator authority
      discrimination discriminated racist harassed harassment`),
    phrases: [
      / for (a )?comment\b/, / (on|for) (a |my |our |the )?(story|article)\b/, / story runs\b/, / on the record\b/,
      / small claims\b/, / not safe\b/,
    ],
  },
  {
    category: 'lost_damaged_item',
    weight: 2.5,
    words: words(`bag bags luggage baggage suitcase suitcases stroller wheelchair belongings carseat`),
    requires: words(`lost missing damaged broken stolen ripped torn smashed snapped cracked delayed where waiting arrived
      arrive located tracker found claim`),
    phrases: [/ (lost|missing|damaged|stolen|broken|ripped) (item|items|property|package|parcel)\b/, / lost and found\b/, / car seat\b/],
  },
  {
    category: 'billing_refund',
    weight: 2.2,
    words: words(`refund refunds refunded charged charge charges overcharged fee fees billing billed bill payment chargeback
      reimburse reimbursement reimbursed compensation voucher vouchers receipt invoice`),
    phrases: [/ money back\b/, / credit card\b/, / (charged|billed) twice\b/],
  },
  {
    category: 'account_login',
    weight: 2,
    words: words(`login password account accounts username verification 2fa locked signin`),
    phrases: [/ log ?in\b/, / sign ?in\b/, / reset (my )?password\b/, / locked out\b/],
  },
  {
    category: 'delay_cancellation',
    weight: 1.8,
    words: words(`delay delayed delays late canceled cancelled cancellation cancellations tarmac rebook rebooked rebooking
      diverted postponed misconnect stranded`),
    phrases: [/ missed (my )?connection\b/, / stuck (on|at|in)\b/, / (flight|train|bus) (was |is )?(moved|changed)\b/],
  },
  {
    category: 'product_defect_outage',
    weight: 1.5,
    words: words(`broken crash crashed crashes crashing outage down bug glitch error errors app website site wifi
      wi-fi entertainment screen outlet defective`),
    phrases: [/ (not|never) (working|work|loading|load)\b/, / is down\b/],
  },
  {
    category: 'staff_service',
    weight: 1.2,
    words: words(`rude unhelpful staff agent agents attendant attendants crew employee employees representative rep reps
      manager supervisor attitude unprofessional hung desk queue counter`),
    phrases: [
      / customer service\b/, / on hold\b/, / (hung|hangs|hang) up\b/, / phone line\b/, / call back\b/,
      / (no|nobody) (response|reply|answer|answers|answered)\b/,
    ],
  },
];

const GROUPS: Group[] = RAW_GROUPS.map((g) => ({ ...g, phrases: g.phrases.map(phrase) }));

export interface CategoryInput {
  analysis: Analysis;
  question: boolean;
  positive: boolean;
  complaint: boolean;
}

/**
 * Per normal, bit g set when group g lists it (`words`), and the same for `requires`, so a post's
 * tokens are looked up once for all groups instead of once per group.
 */
const WORD_BITS = new Map<string, number>();
const REQUIRE_BITS = new Map<string, number>();
GROUPS.forEach((g, i) => {
  for (const w of g.words) WORD_BITS.set(w, (WORD_BITS.get(w) ?? 0) | (1 << i));
  for (const w of g.requires ?? []) REQUIRE_BITS.set(w, (REQUIRE_BITS.get(w) ?? 0) | (1 << i));
});

interface WordHits {
  /** Per group, how many tokens are in its `words` (repeats counted). */
  counts: number[];
  /** Bit g set when some token is in group g's `requires`. */
  required: number;
}

function wordHits(a: Analysis): WordHits {
  const counts = GROUPS.map(() => 0);
  let required = 0;
  for (const n of a.normals) {
    const bits = WORD_BITS.get(n);
    if (bits !== undefined) for (let g = 0; g < counts.length; g += 1) if (bits & (1 << g)) counts[g] = (counts[g] as number) + 1;
    required |= REQUIRE_BITS.get(n) ?? 0;
  }
  return { counts, required };
}

function groupScore(group: Group, g: number, a: Analysis, words: WordHits): number {
  if (group.requires && !(words.required & (1 << g))) return 0;
  let hits = words.counts[g] as number;
  for (const p of group.phrases) if (phraseIn(p, a)) hits += 1;
  // Repetition adds a little; it should not let a vague group outvote a specific one.
  return hits === 0 ? 0 : group.weight * (1 + Math.min(2, hits - 1) * 0.25);
}

export function categorise(input: CategoryInput): Category {
  const { analysis: a } = input;
  let best: Category | null = null;
  let bestScore = 0;
  const words = wordHits(a);
  for (let g = 0; g < GROUPS.length; g += 1) {
    const group = GROUPS[g] as Group;
    const score = groupScore(group, g, a, words);
    if (score > bestScore) {
      best = group.category;
      bestScore = score;
    }
  }
  if (best === 'safety_legal_press') return best;
  // Thanks for a rebooked flight is praise, not a delay case, unless it is also a complaint.
  if (input.positive && !input.complaint) return 'praise';
  if (best) return best;
  if (input.question) return 'question';
  return 'other';
}
