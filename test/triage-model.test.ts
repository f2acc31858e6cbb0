import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BrandConfig } from '../src/config/schema.js';
import { DENSE_FEATURES, FEATURE_DIM } from '../src/triage/features.js';
import type { Prepared } from '../src/triage/fit.js';
import { tuneNegative } from '../src/triage/tune.js';
import { addScores, packHeads, quantise, unpackHeads } from '../src/triage/weights.js';
import { brandFor, DEFAULT_DATA_DIR, inFixedSample, loadLabelled, normaliseArtefacts } from '../src/triage/dataset.js';
import { accuracy, macroF1 } from '../src/triage/eval/metrics.js';
import { binary, loadPeers } from '../src/triage/eval/peers.js';
import { asMention } from '../src/triage/eval/speed.js';
import { triage } from '../src/triage/index.js';
import { trainSoftmax, softmax } from '../src/triage/learn.js';
import { maskText } from '../src/triage/mask.js';
import { activeModel, parseModel, predict, serialiseModel } from '../src/triage/model.js';
import { readPost } from '../src/triage/signals.js';
import type { Sentiment, TriageContext } from '../src/triage/types.js';

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
    expect(normaliseArtefacts('Cancelled Flightled again, Late Flightr than ever, Cancelled Flight my trip')).toBe('cancelled again, later than ever, cancel my trip');
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
    const w = trainSoftmax([0, 1, 2, 0, 1, 2].map((y) => ({ x: x(y + 1), y, w: 1 })), { classes: 3, dim: 4, epochs: 50, rate: 0.5 });
    const p = softmax(w, x(3), new Float64Array(3));
    expect(p[2]).toBeGreaterThan(0.6);
  });

  it('scores with one interleaved 16-bit table as the float heads would', () => {
    const sentiment = new Float32Array(3 * FEATURE_DIM);
    const complaint = new Float32Array(FEATURE_DIM);
    [[0, 0.5, -0.25, 0.1, -1], [7, -2, 1, 0.3, 2.5], [FEATURE_DIM - 1, 0.01, 0.02, -0.03, 0.04]].forEach(([f, a, b, c, d]) => {
      sentiment.set([a as number, b as number, c as number], (f as number) * 3);
      complaint[f as number] = d as number;
    });
    const stored = packHeads(quantise(sentiment, complaint));
    const t = unpackHeads(stored.sentiment, stored.complaint);
    const out = new Float64Array(4);
    addScores(t, { idx: Int32Array.from([0, 7, FEATURE_DIM - 1]), val: Float32Array.from([1, 0.5, 1]), terms: [] }, out);
    const want = [0.5 - 1 + 0.01, -0.25 + 0.5 + 0.02, 0.1 + 0.15 - 0.03, -1 + 1.25 + 0.04];
    want.forEach((w, i) => expect(out[i]).toBeCloseTo(w, 3));
  });

  it('tunes the negative threshold on rows labelled with all three classes', () => {
    const row = (sentiment: Sentiment, twoClass: boolean): Prepared => ({
      row: { key: String(Math.random()), text: '', brand: acme, sentiment, complaint: sentiment === 'negative', weight: 1, twoClass },
      x: { idx: new Int32Array(0), val: new Float32Array(0), terms: [] },
    });
    // Three-class rows: negatives at P(neg) 0.6, neutrals at 0.45, so 0.46–0.6 separates them.
    // Two-class rows with negatives at P(neg) 0.32 would drag the threshold down if they counted.
    const data = [...Array(10).fill(0).map(() => row('negative', false)), ...Array(10).fill(0).map(() => row('neutral', false)), ...Array(10).fill(0).map(() => row('negative', true))];
    const probs = data.map((d): [number, number, number] => (d.row.twoClass ? [0.32, 0.3, 0.38] : d.row.sentiment === 'negative' ? [0.6, 0.3, 0.1] : [0.45, 0.5, 0.05]));
    const t = tuneNegative(data, { probs, complaintLogit: data.map(() => 0) });
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
describe.skipIf(!dataPresent)('against the peers on the fixed held-out sample', () => {
  const sample = loadLabelled().filter((p) => p.sentiment !== null && inFixedSample(p.key) && p.source !== 'alexa');
  const airline = sample.filter((p) => p.source === 'airline');
  const sentences = sample.filter((p) => p.source === 'sentences');

  function earshot(texts: typeof sample): Array<{ three: Sentiment; two: Sentiment }> {
    return texts.map((p, i) => {
      const brand = brandFor(p.source);
      const r = triage(asMention(p.text, i, brand.id), { brand, author: noHistory });
      return { three: r.sentiment, two: r.score < 0 ? 'negative' : 'positive' };
    });
  }

  it('beats wink-nlp, VADER and AFINN by a clear margin', () => {
    expect(airline.length).toBeGreaterThan(300);
    const gold3 = airline.map((p) => p.sentiment as Sentiment);
    const gold2 = sentences.map((p) => p.sentiment as Sentiment);
    const ours3 = macroF1(gold3, earshot(airline).map((r) => r.three));
    const ours2 = accuracy(gold2, earshot(sentences).map((r) => r.two));
    for (const peer of loadPeers()) {
      const scores3 = airline.map((p) => peer.score(maskText(p.text, brandFor(p.source))));
      const scores2 = sentences.map((p) => peer.score(p.text));
      expect(ours3, peer.name).toBeGreaterThan(macroF1(gold3, scores3.map(peer.classify)) + 0.15);
      expect(ours2, peer.name).toBeGreaterThan(accuracy(gold2, scores2.map(binary)) + 0.05);
    }
    expect(ours3).toBeGreaterThan(0.7);
    expect(ours2).toBeGreaterThan(0.8);
  });
});
