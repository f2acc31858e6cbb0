import { describe, expect, it } from 'vitest';
import type { BrandConfig } from '../src/config/schema.js';
import { DENSE, DENSE_FEATURES } from '../src/triage/features.js';
import { fitHeads, prepare, type Prepared, type TrainingRow } from '../src/triage/train/fit.js';
import { chooseIrony, NEVER_BY_HEAD, SINCERE_WEIGHTS } from '../src/triage/train/tune-irony.js';
import { MAIN_OUTPUTS } from '../src/triage/model.js';
import { CUE_IRONY_AT, cueOverrulesNeutral, decide, ironyThreshold, sarcasmReading, sentimentClass } from '../src/triage/decide.js';
import { activeModel } from '../src/triage/model.js';
import { triage } from '../src/triage/index.js';
import { testMention } from './helpers/seed.js';
import { readPost } from '../src/triage/signals.js';
import type { Sentiment } from '../src/triage-types.js';

const acme: BrandConfig = { id: 'acme', name: 'Acme', keywords: [], handles: ['@acme'], hashtags: [] };
const IRONY = 4;

function prepared(n: number, row: Partial<TrainingRow>): Prepared[] {
  return Array.from({ length: n }, (_, i) => ({
    row: {
      key: `${row.source ?? 'x'}${String(row.sentiment)}${String(row.irony)}${i}`,
      text: '',
      brand: acme,
      sentiment: null,
      complaint: null,
      weight: 1,
      ...row,
    },
    // No sarcasm mark: the learned threshold decides, not the cue rule.
    x: { idx: Int32Array.from({ length: DENSE }, (_, j) => j), val: new Float32Array(DENSE), terms: [] },
  }));
}

const P: Record<Sentiment, [number, number, number]> = { negative: [0.8, 0.1, 0.1], neutral: [0.1, 0.7, 0.2], positive: [0.05, 0.25, 0.7] };

describe('irony: choosing how much sincere praise counts, and the threshold', () => {
  // Ironic tweets the sentiment head reads as praise, and airline and general tweets of each class.
  const data = [
    ...prepared(40, { source: 'irony', irony: true }),
    ...(['airline', 'tweeteval'] as const).flatMap((source) =>
      (['negative', 'neutral', 'positive'] as const).flatMap((sentiment) =>
        prepared(20, { source, sentiment, irony: sentiment === 'positive' ? false : null }),
      ),
    ),
  ];
  const probs = data.map((d) => (d.row.irony === true ? P.positive : P[d.row.sentiment ?? 'neutral']));
  const oof = { probs, complaintLogit: data.map(() => 0), ironyLogit: data.map(() => 0), category: data.map(() => new Float64Array(8)) };
  // Light sincere praise: the head rates praise as ironic as irony (P 0.65).
  // Heavier: praise falls to P 0.12, irony stays at 0.73, so a threshold between them separates.
  const logits = (w: number): number[] =>
    data.map((d) => (d.row.irony === true ? (w >= 2 ? 1 : 0.6) : d.row.irony === false ? (w >= 2 ? -2 : 0.6) : 0));

  it('picks the weight whose threshold catches irony without turning sincere praise negative', () => {
    expect(SINCERE_WEIGHTS).toContain(2);
    const choice = chooseIrony(data, oof, 0.5, logits);
    expect(choice.sincereWeight).toBe(2);
    expect(choice.ironicPositive).toBeLessThanOrEqual(0.15);
    // Between the praise (0.12) and the irony (0.73): both sets' positives stay positive, so macro-F1 is perfect.
    expect(choice.ironyAt).toBeGreaterThan(0.12);
    expect(choice.ironyAt).toBeLessThanOrEqual(0.73);
    expect(choice.f1).toBeCloseTo(1, 5);
  });

  it('with only the light weight, meets the irony goal even at the cost of praise', () => {
    const choice = chooseIrony(data, oof, 0.5, (w) => logits(Math.min(w, 1)));
    expect(choice.ironicPositive).toBeLessThanOrEqual(0.15);
    expect(choice.ironyAt).toBeLessThanOrEqual(0.65);
    expect(choice.f1).toBeLessThan(1);
  });
});

describe('irony head', () => {
  it('does not read "names the brand": sincere airline praise names the airline, sarcasm to brands does too', () => {
    const rows: TrainingRow[] = [
      ['Acme thanks for the upgrade, great crew', false],
      ['love how Acme lost my bag again', true],
      ['so glad my flight is delayed three hours', true],
      ['Acme you are the best, smooth flight', false],
      ['great, another monday', true],
    ].map(([text, irony], i) => ({
      key: `i${i}`,
      text: String(text),
      brand: acme,
      sentiment: null,
      complaint: null,
      weight: 1,
      irony: irony === true,
      source: irony === true ? 'irony' : 'airline',
      language: 'en',
    }));
    const heads = fitHeads(prepare(rows));
    expect(heads.main[DENSE_FEATURES.indexOf('names the brand') * MAIN_OUTPUTS + IRONY]).toBe(0);
    expect(heads.main[DENSE_FEATURES.indexOf('praise words') * MAIN_OUTPUTS + IRONY]).not.toBe(0);
  });
});

describe('negative threshold for posts that do not name the brand', () => {
  it('applies to English posts without the brand only', () => {
    const m = { negativeAt: 0.9, negativeAtByLanguage: { es: 0.9 }, negativeAtUnaddressed: 0.2 };
    const probs: [number, number, number] = [0.5, 0.3, 0.2];
    expect(sentimentClass(m, probs, 'en', readPost('lost my bag again', acme).features)).toBe(0);
    expect(sentimentClass(m, probs, 'en', readPost('Acme lost my bag again', acme).features)).toBe(1);
    expect(sentimentClass(m, probs, 'es', readPost('perdieron mi maleta', acme, null, false, null, 'es').features)).toBe(1);
    expect(sentimentClass({ negativeAt: 0.4, negativeAtByLanguage: {} }, probs, 'en', readPost('lost my bag again', acme).features)).toBe(
      0,
    );
  });

  it('is tuned on the posts that name no brand, leaving the one for posts that do', () => {
    const addressed = (rows: Prepared[]): Prepared[] =>
      rows.map((d) => {
        const val = d.x.val.slice();
        val[DENSE_FEATURES.indexOf('names the brand')] = 1;
        return { row: d.row, x: { ...d.x, val } };
      });
    // Airline negatives at P(negative) 0.52 need the given 0.5; general neutrals at 0.55 need more than 0.55.
    const data = [
      ...prepared(30, { source: 'irony', irony: true }),
      ...addressed(prepared(30, { source: 'airline', sentiment: 'negative' })),
      ...addressed(prepared(30, { source: 'airline', sentiment: 'neutral' })),
      ...prepared(30, { source: 'tweeteval', sentiment: 'neutral' }),
      ...prepared(30, { source: 'tweeteval', sentiment: 'negative' }),
    ];
    const probs = data.map((d): [number, number, number] =>
      d.row.irony
        ? [0.7, 0.1, 0.2]
        : d.row.source === 'airline'
          ? d.row.sentiment === 'negative'
            ? [0.52, 0.4, 0.08]
            : [0.2, 0.7, 0.1]
          : d.row.sentiment === 'neutral'
            ? [0.55, 0.4, 0.05]
            : [0.9, 0.05, 0.05],
    );
    const oof = { probs, complaintLogit: data.map(() => 0), ironyLogit: data.map(() => 0), category: data.map(() => new Float64Array(8)) };
    const choice = chooseIrony(data, oof, 0.5, () => data.map(() => 0));
    expect(choice.negativeAtUnaddressed).toBeGreaterThan(0.55);
    expect(choice.negativeAtUnaddressed).toBeLessThanOrEqual(0.9);
  });
});

describe('irony threshold for posts that name the brand', () => {
  const brand = readPost('Acme thanks, what a flight', acme).features;
  const plain = readPost('thanks, what a flight', acme).features;
  const cue = readPost('Acme thanks a lot 🙃 two hours on hold and still no refund', acme).features;

  it('posts naming the brand use their own threshold, the cue rule still overrules both', () => {
    const m = { ironyAt: 0.35, ironyAtAddressed: NEVER_BY_HEAD };
    expect(ironyThreshold(m, brand)).toBe(NEVER_BY_HEAD);
    expect(ironyThreshold(m, plain)).toBe(0.35);
    expect(ironyThreshold(m, cue)).toBe(CUE_IRONY_AT);
    expect(ironyThreshold({ ironyAt: 0.35 }, brand)).toBe(0.35);
  });

  it('is chosen on the posts to brands, leaving the one the irony goal needs', () => {
    const addressed = (rows: Prepared[]): Prepared[] =>
      rows.map((d) => {
        const val = d.x.val.slice();
        val[DENSE_FEATURES.indexOf('names the brand')] = 1;
        return { row: d.row, x: { ...d.x, val } };
      });
    // Sincere praise to a brand reads as ironic to the head as ironic tweets do (0.65), general praise does not (0.12).
    const data = [
      ...prepared(40, { source: 'irony', irony: true }),
      ...(['negative', 'neutral', 'positive'] as const).flatMap((sentiment) =>
        addressed(prepared(20, { source: 'airline', sentiment, irony: sentiment === 'positive' ? false : null })),
      ),
      ...(['negative', 'neutral', 'positive'] as const).flatMap((sentiment) =>
        prepared(20, { source: 'tweeteval', sentiment, irony: sentiment === 'positive' ? false : null }),
      ),
    ];
    const probs = data.map((d) => (d.row.irony === true ? P.positive : P[d.row.sentiment ?? 'neutral']));
    const oof = { probs, complaintLogit: data.map(() => 0), ironyLogit: data.map(() => 0), category: data.map(() => new Float64Array(8)) };
    const logits = data.map((d) => (d.row.irony === true || d.row.source === 'airline' ? 0.6 : -2));
    const choice = chooseIrony(data, oof, 0.5, () => logits);
    expect(choice.ironicPositive).toBeLessThanOrEqual(0.15);
    // Both sets' positives stay positive only with the brand's threshold above 0.646 and irony's at or below it.
    expect(choice.ironyAt).toBeLessThanOrEqual(0.646);
    expect(choice.ironyAtAddressed).toBeGreaterThan(0.646);
    expect(choice.f1).toBeCloseTo(1, 5);
  });
});

describe('what a sarcastic post reads as', () => {
  it('negative when said to the brand or beside a problem, neutral when only the head finds a post naming no brand ironic', () => {
    expect(sarcasmReading(readPost('Acme thanks, what a flight', acme).features)).toBe(0);
    expect(sarcasmReading(readPost('thanks a lot 🙃 two hours on hold and still no refund', acme).features)).toBe(0);
    expect(sarcasmReading(readPost('thanks, what a flight', acme).features)).toBe(1);
  });
});

describe('a sarcasm mark beside a problem overrules a neutral reading too', () => {
  // The sentiment head reads this one as neutral: the thanks and the lost data cancel out.
  const post = 'AcmeApp your update deleted 2 years of my journal entries. Thanks a lot 🙃';
  const brand: BrandConfig = { id: 'acme', name: 'AcmeApp', keywords: ['AcmeApp'], handles: [], hashtags: [] };

  it('reads negative and says why, in triage() as in decide()', () => {
    const x = readPost(post, brand).features;
    const d = decide(activeModel(), x, 'en');
    expect(cueOverrulesNeutral(x, d.irony)).toBe(true);
    expect(d.sentiment).toBe('negative');
    expect(d.sarcastic).toBe(true);
    const t = triage(testMention({ nativeId: '1', text: post }), {
      brand,
      author: { priorMentions: 0, recentMentions: 0, priorComplaints: 0, repliesSent: 0 },
    });
    expect(t.sentiment).toBe('negative');
    expect(t.reasons).toContain('reads as sarcastic');
  });

  it('needs both the mark and the problem', () => {
    expect(cueOverrulesNeutral(readPost('AcmeApp your update deleted my journal entries.', brand).features, 0.9)).toBe(false);
    expect(cueOverrulesNeutral(readPost('AcmeApp thanks a lot 🙃', brand).features, 0.9)).toBe(false);
  });
});
