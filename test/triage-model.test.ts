import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BrandConfig } from '../src/config/schema.js';
import { DENSE_FEATURES, FEATURE_DIM } from '../src/triage/features.js';
import type { Prepared } from '../src/triage/train/fit.js';
import { tuneThresholds } from '../src/triage/train/tune.js';
import { addScores, packTable, quantise, unpackTable } from '../src/triage/weights.js';
import { brandFor, DEFAULT_DATA_DIR, inFixedSample, normaliseArtefacts, type Source } from '../src/triage/train/dataset.js';
import { loadAllLabelled } from '../src/triage/train/dataset-tweets.js';
import { toTrainingRows } from '../src/triage/train/training-rows.js';
import { accuracy, macroF1 } from '../src/triage/train/eval/metrics.js';
import { binary, loadPeers } from '../src/triage/train/eval/peers.js';
import { asMention } from '../src/triage/train/eval/speed.js';
import { triage } from '../src/triage/index.js';
import { trainSoftmax, softmax } from '../src/triage/train/learn.js';
import { maskText } from '../src/triage/mask.js';
import { activeModel, parseModel, predict, serialiseModel } from '../src/triage/model.js';
import { readPost } from '../src/triage/signals.js';
import type { Sentiment, TriageContext } from '../src/triage-types.js';

const acme: BrandConfig = { id: 'acme', name: 'Acme Air', keywords: ['acmeair'], handles: ['@AcmeAir'], hashtags: ['#acmeair'] };
const dense = (text: string, name: (typeof DENSE_FEATURES)[number]) => readPost(text, acme).features.val[DENSE_FEATURES.indexOf(name)];
const hashed = (text: string, brand = acme) => [...readPost(text, brand).features.idx.slice(DENSE_FEATURES.length)].sort();

describe('feature extraction', () => {
  it('masks the brand, handles and links so they add no word features', () => {
    expect(hashed('@AcmeAir lost my bag https://x.example/a')).toEqual(hashed('lost my bag'));
    expect(hashed('Acme Air lost my bag')).toEqual(hashed('@someone lost my bag'));
    expect(dense('@AcmeAir lost my bag', 'names the brand')).toBe(1);
    expect(dense('@someone lost my bag', 'mentions other handles')).toBe(1);
    expect(dense('lost my bag https://x.example', 'has link')).toBe(1);
  });

  it('keeps negated words apart from plain ones', () => {
    const plain = new Set(hashed('the staff were helpful'));
    const negated = hashed('the staff were not helpful');
    expect(negated.some((h) => !plain.has(h))).toBe(true);
    expect(dense('the staff were not helpful', 'negation')).toBe(1);
    expect(dense('the staff were helpful', 'negation')).toBe(0);
  });

  it('reads intensity, questions, waiting and blame', () => {
    expect(dense('WHERE IS MY LUGGAGE!!!', 'capitals / !!!')).toBeGreaterThan(0.5);
    expect(dense('Where is my bag?', 'question')).toBe(1);
    expect(dense('been on hold for two hours', 'time wasted / waiting')).toBeGreaterThan(0);
    expect(dense('you lost my bag', 'blame')).toBeGreaterThan(0);
    expect(dense('what a lovely crew', 'wink positive')).toBeGreaterThan(0);
  });

  it('undoes the airline set\'s "Late Flight"/"Cancelled Flight" substitutions', () => {
    expect(normaliseArtefacts('Cancelled Flightled again, Late Flightr than ever, Cancelled Flight my trip')).toBe(
      'cancelled again, later than ever, cancel my trip',
    );
  });
});

describe('model', () => {
  it('round-trips through its file format and refuses a model made with other features', () => {
    const m = activeModel();
    const back = parseModel(serialiseModel(m));
    const x = readPost('still waiting for my refund', acme).features;
    expect(predict(back, x, null).probs[0]).toBeCloseTo(predict(m, x, null).probs[0], 3);
    const wrong = JSON.parse(serialiseModel(m)) as { hashBits: number };
    wrong.hashBits = 12;
    expect(() => parseModel(JSON.stringify(wrong))).toThrow(/different features/);
  });

  it('learns a separable toy problem', () => {
    const x = (i: number) => ({ idx: Int32Array.from([0, i]), val: Float32Array.from([1, 1]), terms: [] });
    const w = trainSoftmax(
      [0, 1, 2, 0, 1, 2].map((y) => ({ x: x(y + 1), y, w: 1 })),
      { classes: 3, dim: 4, epochs: 50, rate: 0.5 },
    );
    const p = softmax(w, x(3), new Float64Array(3));
    expect(p[2]).toBeGreaterThan(0.6);
  });

  it('scores with one interleaved 16-bit table as the float heads would', () => {
    const w = new Float32Array(5 * FEATURE_DIM);
    [
      [0, 0.5, -0.25, 0.1, -1, 0.2],
      [7, -2, 1, 0.3, 2.5, -0.7],
      [FEATURE_DIM - 1, 0.01, 0.02, -0.03, 0.04, 0.05],
    ].forEach(([f, ...outs]) => {
      w.set(outs as number[], (f as number) * 5);
    });
    const t = unpackTable(packTable(quantise(w, 5)), FEATURE_DIM);
    const out = new Float64Array(5);
    addScores(t, { idx: Int32Array.from([0, 7, FEATURE_DIM - 1]), val: Float32Array.from([1, 0.5, 1]), terms: [] }, out);
    const want = [0.5 - 1 + 0.01, -0.25 + 0.5 + 0.02, 0.1 + 0.15 - 0.03, -1 + 1.25 + 0.04, 0.2 - 0.35 + 0.05];
    want.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 3));
  });

  it('tunes the English negative threshold on rows labelled with all three classes', () => {
    const row = (sentiment: Sentiment, twoClass: boolean): Prepared => ({
      row: {
        key: String(Math.random()),
        text: '',
        brand: acme,
        sentiment,
        complaint: sentiment === 'negative',
        weight: 1,
        twoClass,
        source: 'airline',
      },
      x: { idx: new Int32Array(0), val: new Float32Array(0), terms: [] },
    });
    // Three-class rows: negatives at P(neg) 0.6, neutrals at 0.45, so 0.46–0.6 separates them.
    // Two-class rows with negatives at P(neg) 0.32 would drag the threshold down if they counted.
    const data = [
      ...Array(10)
        .fill(0)
        .map(() => row('negative', false)),
      ...Array(10)
        .fill(0)
        .map(() => row('neutral', false)),
      ...Array(10)
        .fill(0)
        .map(() => row('negative', true)),
    ];
    const probs = data.map((d): [number, number, number] =>
      d.row.twoClass ? [0.32, 0.3, 0.38] : d.row.sentiment === 'negative' ? [0.6, 0.3, 0.1] : [0.45, 0.5, 0.05],
    );
    const zeros = data.map(() => 0);
    const t = tuneThresholds(data, {
      probs,
      complaintLogit: zeros,
      ironyLogit: zeros,
      category: data.map(() => new Float64Array(8)),
    }).negativeAt;
    expect(t).toBeGreaterThan(0.45);
    expect(t).toBeLessThanOrEqual(0.6);
  });

  it('lets a low star rating pull toward negative', () => {
    const x = readPost('It arrived on Tuesday.', acme).features;
    expect(predict(activeModel(), x, null, 1).probs[0]).toBeGreaterThan(predict(activeModel(), x, null, null).probs[0]);
  });
});

const dataPresent = existsSync(path.join(DEFAULT_DATA_DIR, 'airline-tweets-dev.csv'));
const noHistory: TriageContext['author'] = { priorMentions: 0, recentMentions: 0, priorComplaints: 0, repliesSent: 0 };

// The committed model is trained without this fixed sample (scripts/train.ts), so these are unseen posts.
describe.skipIf(!dataPresent)('against the peers on the fixed held-out sample of each dev set', () => {
  const sample = toTrainingRows(loadAllLabelled()).filter((r) => inFixedSample(r.group ?? r.key));
  const of = (source: string) => sample.filter((r) => r.source === source);
  const peers = loadPeers();
  const ours = (rows: typeof sample) =>
    rows.map((p, i) => {
      const brand = brandFor(p.source as Source);
      return triage(asMention(p.text, i, brand.id), { brand, author: noHistory });
    });
  const peerScores = (rows: typeof sample, peer: (typeof peers)[number]) =>
    rows.map((p) => peer.score(maskText(p.text, brandFor(p.source as Source))));
  // Peers get their best symmetric neutral band on the very rows they are scored on: generous to them.
  const bestBand = (gold: Sentiment[], scores: number[]) =>
    Math.max(
      ...[0, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 3].map((t) =>
        macroF1(
          gold,
          scores.map((s): Sentiment => (s > t ? 'positive' : s < -t ? 'negative' : 'neutral')),
        ),
      ),
    );
  const f1 = (pred: boolean[], want: boolean[]) => {
    const tp = pred.filter((p, i) => p && want[i]).length;
    const fp = pred.filter((p, i) => p && !want[i]).length;
    const fn = pred.filter((p, i) => !p && want[i]).length;
    return tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  };

  it.each([
    ['airline', 0.15],
    ['multi', 0.1],
  ])('3-class macro-F1 on %s beats every peer by %s', (source, margin) => {
    const rows = of(source);
    expect(rows.length).toBeGreaterThan(60);
    const gold = rows.map((r) => r.sentiment as Sentiment);
    const score = macroF1(
      gold,
      ours(rows).map((r) => r.sentiment),
    );
    for (const peer of peers) expect(score, peer.name).toBeGreaterThan(bestBand(gold, peerScores(rows, peer)) + margin);
  });

  // Not yet better than the lexicons on general tweets (README "How good is triage?"): this
  // guards against falling further behind, at the peers' own decision rules.
  it('general tweets: macro-F1 within 0.1 of every peer', () => {
    const rows = of('tweeteval');
    const gold = rows.map((r) => r.sentiment as Sentiment);
    const score = macroF1(
      gold,
      ours(rows).map((r) => r.sentiment),
    );
    for (const peer of peers) expect(score, peer.name).toBeGreaterThan(macroF1(gold, peerScores(rows, peer).map(peer.classify)) - 0.1);
  });

  it('complaint F1 on other industries beats every peer', () => {
    const rows = of('complaints');
    const want = rows.map((r) => r.complaint === true);
    const score = f1(
      ours(rows).map((r) => r.complaint),
      want,
    );
    for (const peer of peers) {
      const scores = peerScores(rows, peer);
      const best = Math.max(
        ...[-3, -2, -1, -0.5, -0.1, 0, 0.1, 0.5, 1].map((t) =>
          f1(
            scores.map((s) => s < t),
            want,
          ),
        ),
      );
      expect(score, peer.name).toBeGreaterThan(best + 0.05);
    }
  });

  it('reads fewer ironic tweets as positive than every peer', () => {
    const rows = of('irony').filter((r) => r.irony === true);
    const share = ours(rows).filter((r) => r.sentiment === 'positive').length / rows.length;
    for (const peer of peers) expect(share, peer.name).toBeLessThan(peerScores(rows, peer).filter((s) => s > 0).length / rows.length - 0.1);
  });

  it('review sentences: accuracy beats every peer', () => {
    const rows = of('sentences');
    const gold = rows.map((r) => r.sentiment as Sentiment);
    const score = accuracy(
      gold,
      ours(rows).map((r): Sentiment => (r.score < 0 ? 'negative' : 'positive')),
    );
    for (const peer of peers) expect(score, peer.name).toBeGreaterThan(accuracy(gold, peerScores(rows, peer).map(binary)) + 0.05);
    expect(score).toBeGreaterThan(0.8);
  });
});
