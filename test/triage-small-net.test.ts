import { describe, expect, it } from 'vitest';
import { DENSE, DENSE_FEATURES, EMBED_DIMS, EMBED_START, NOT_ENGLISH, type Features } from '../src/triage/feature-space.js';
import { activeModel, parseModel, predict, serialiseModel } from '../src/triage/model.js';
import {
  addNet,
  forward,
  NET_BLEND,
  NET_HIDDEN,
  NET_INPUTS,
  netInputs,
  packNet,
  readsPost,
  skipMask,
  unpackNet,
} from '../src/triage/small-net.js';
import { trainNet } from '../src/triage/train/train-net.js';
import { readPost } from '../src/triage/signals.js';
import { wordVectors } from '../src/triage/embeddings.js';
import type { BrandConfig } from '../src/config/schema.js';

const acme: BrandConfig = { id: 'acme', name: 'Acme Air', keywords: ['acmeair'], handles: ['@AcmeAir'], hashtags: ['#acmeair'] };

/** A sparse vector with the given dense values and word-vector values, indices sorted as feature-vector.ts keeps them. */
function features(dense: Record<number, number>, embed: Record<number, number>): Features {
  const idx = [...Object.keys(dense).map(Number), ...Object.keys(embed).map((k) => EMBED_START + Number(k))].sort((a, b) => a - b);
  const val = idx.map((i) => (i >= EMBED_START ? (embed[i - EMBED_START] as number) : (dense[i] as number)));
  return { idx: Int32Array.from(idx), val: Float32Array.from(val), terms: [] };
}

describe('small networks beside the linear sentiment and complaint heads', () => {
  it('reads the dense block and the word vector into one input, and nothing of the hashed words', () => {
    const x = features({ 0: 1, 3: 0.5 }, { 0: -0.25, [EMBED_DIMS - 1]: 0.75 });
    const withWord = {
      ...x,
      idx: Int32Array.from([...x.idx.slice(0, 2), DENSE + 12345, ...x.idx.slice(2)]),
      val: Float32Array.from([...x.val.slice(0, 2), 9, ...x.val.slice(2)]),
    };
    const v = netInputs(withWord, new Float32Array(NET_INPUTS));
    expect(v[0]).toBe(1);
    expect(v[3]).toBe(0.5);
    expect(v[DENSE]).toBe(-0.25);
    expect(v[DENSE + EMBED_DIMS - 1]).toBe(0.75);
    expect([...v].filter((n) => n !== 0)).toHaveLength(4);
  });

  it('reads English posts only, so other languages keep the linear scores they were tuned on', () => {
    expect(readsPost(readPost('still waiting for my bag', acme).features)).toBe(true);
    expect(readsPost(features({ 0: 1, [NOT_ENGLISH]: 1 }, {}))).toBe(false);
    const m = trainNet([{ x: features({ 0: 1 }, { 0: 1 }), y: 2, w: 1 }], { outputs: 3, seed: 11 });
    const z = [0, 0, 0];
    addNet(m, features({ 0: 1, [NOT_ENGLISH]: 1 }, { 0: 1 }), z);
    expect(z).toEqual([0, 0, 0]);
    addNet(m, features({ 0: 1 }, { 0: 1 }), z);
    expect(z[2]).toBeGreaterThan(z[0] as number);
  });

  it('learns what no single cue says alone (exclusive-or of two cues), deterministically for a seed', () => {
    const cases = [
      [0, 0, 1],
      [1, 1, 1],
      [1, 0, 0],
      [0, 1, 0],
    ] as const;
    const examples = Array.from({ length: 400 }, (_, i) => {
      const [a, b, y] = cases[i % 4] as readonly [number, number, number];
      return { x: features({ 0: 1, 3: a, 4: b }, { 5: a - b }), y: y === 1 ? 2 : 0, w: 1 };
    });
    const m = trainNet(examples, { outputs: 3, seed: 3 });
    const right = cases.filter(([a, b, y]) => {
      const z = [0, 0, 0];
      addNet(m, features({ 0: 1, 3: a, 4: b }, { 5: a - b }), z);
      return (z[2] as number) > (z[0] as number) === (y === 1);
    });
    expect(right).toHaveLength(4);
    expect(trainNet(examples, { outputs: 3, seed: 3 }).w1).toEqual(m.w1);
  });

  it('survives the model file, and the committed model has one that changes English scores', () => {
    const m = activeModel();
    expect(m.sentimentNet, 'retrain with `npm run train`').toBeDefined();
    const back = parseModel(serialiseModel(m));
    expect(back.sentimentNet?.w1).toEqual(m.sentimentNet?.w1);
    expect(back.sentimentNet?.b2).toEqual(m.sentimentNet?.b2);
    const x = readPost('the flight was fine I guess, nothing to write home about', acme).features;
    const withIt = predict(back, x, null).probs;
    const without = predict({ ...back, sentimentNet: undefined }, x, null).probs;
    expect(withIt).toEqual(predict(m, x, null).probs);
    expect(Math.max(...withIt.map((p, i) => Math.abs(p - (without[i] as number))))).toBeGreaterThan(1e-3);
  });

  it('scores a post from its sparse features, word by word, as training scored its dense input', () => {
    const model = activeModel();
    for (const m of [model.sentimentNet, model.complaintNet]) {
      if (!m) throw new Error('retrain with `npm run train`');
      // A word past the cached rows is projected each time it occurs (small-net.ts CACHED_ROWS).
      const rare = [...(wordVectors()?.rows ?? [])].find(([w, row]) => row >= 40_000 && /^[a-z]{5,}$/.test(w))?.[0];
      if (!rare) throw new Error('no rare word in the vectors');
      for (const text of [
        'still waiting for my bag',
        'LOVE the new seats!!! thank you',
        'How do I export my notebooks?',
        `still waiting, ${rare}`,
      ]) {
        const x = readPost(text, acme).features;
        expect(x.embedWords?.rows.length, text).toBeGreaterThan(1);
        if (text.includes(rare)) expect([...(x.embedWords?.rows ?? [])].some((row) => row >= 32_768)).toBe(true);
        const out = new Float64Array(3);
        forward(m, netInputs(x, new Float32Array(NET_INPUTS), m.skip), new Float32Array(NET_HIDDEN), out);
        const byWords = [0, 0, 0];
        addNet(m, x, byWords);
        const dense = [0, 0, 0];
        addNet(m, { ...x, embedWords: undefined }, dense);
        for (let c = 0; c < m.b2.length; c += 1) {
          // The block's values were rounded to float32; the word-by-word sum was not.
          expect(byWords[c], text).toBeCloseTo(NET_BLEND * (out[c] as number), 5);
          expect(dense[c], text).toBe(NET_BLEND * (out[c] as number));
        }
      }
    }
  });

  it('reads the vector block as it stands once a caller has zeroed it in place', () => {
    const m = activeModel().sentimentNet;
    if (!m) throw new Error('retrain with `npm run train`');
    const x = readPost('still waiting for my bag', acme).features;
    const val = x.val.slice();
    for (let j = 0; j < x.idx.length; j += 1) if ((x.idx[j] as number) >= EMBED_START) val[j] = 0;
    const zeroed = { ...x, val };
    const z = [0, 0, 0];
    addNet(m, zeroed, z);
    const out = new Float64Array(3);
    forward(m, netInputs(zeroed, new Float32Array(NET_INPUTS)), new Float32Array(NET_HIDDEN), out);
    expect(z).toEqual([...out].map((v) => NET_BLEND * v));
  });

  it('refuses a network of the wrong size with what would fix it', () => {
    const stored = packNet(activeModel().sentimentNet ?? trainNet([], { outputs: 3, seed: 11 }));
    expect(() => unpackNet({ ...stored, w2: stored.b1 }, 3)).toThrow(/w2 has the wrong size; retrain it with `npm run train`/);
    expect(() => unpackNet({ ...stored, hidden: 8 }, 3)).toThrow(/npm run train/);
    const { layout: _, ...hiddenMajor } = stored;
    expect(() => unpackNet(hiddenMajor, 3)).toThrow(/npm run train/);
    expect(() => unpackNet(stored, 1), 'a sentiment network read as the complaint one').toThrow(/another shape/);
    const { outputs: __, ...noOutputs } = stored;
    expect(() => unpackNet(noOutputs, 3)).toThrow(/another shape/);
    expect(() => unpackNet({ ...stored, skip: [DENSE] }, 3)).toThrow(/unknown feature/);
  });

  it('complaint network: a logistic output, kept off the cues its linear head leaves out, in training and scoring alike', () => {
    const polarity = DENSE_FEATURES.indexOf('lexicon negative');
    const skip = skipMask([polarity]);
    // The label follows the skipped cue only: a network that read it would learn it.
    const examples = Array.from({ length: 200 }, (_, i) => ({
      x: features({ 0: 1, [polarity]: i % 2 }, { 1: 0.5 }),
      y: (i % 2) as 0 | 1,
      w: 1,
    }));
    const m = trainNet(examples, { outputs: 1, seed: 5, skip });
    expect(m.b2).toHaveLength(1);
    const score = (neg: number) => {
      const z = [0, 0, 0, 0];
      addNet(m, features({ 0: 1, [polarity]: neg }, { 1: 0.5 }), z, 3);
      return z;
    };
    expect(score(1)).toEqual(score(0));
    expect(score(1).slice(0, 3)).toEqual([0, 0, 0]);
    const back = unpackNet(packNet(m), 1);
    expect([...(back.skip ?? [])].indexOf(1)).toBe(polarity);
    const learnt = trainNet(examples, { outputs: 1, seed: 5 });
    const z1 = [0];
    const z0 = [0];
    addNet(learnt, features({ 0: 1, [polarity]: 1 }, { 1: 0.5 }), z1);
    addNet(learnt, features({ 0: 1, [polarity]: 0 }, { 1: 0.5 }), z0);
    expect(z1[0], 'without the mask the same data teaches the cue').toBeGreaterThan((z0[0] as number) + 0.5);
  });

  it('the committed complaint network changes an English post’s complaint probability, and survives the model file', () => {
    const m = activeModel();
    expect(m.complaintNet, 'retrain with `npm run train`').toBeDefined();
    const back = parseModel(serialiseModel(m));
    expect(back.complaintNet?.w1).toEqual(m.complaintNet?.w1);
    expect(back.complaintNet?.skip).toEqual(m.complaintNet?.skip);
    const x = readPost('still waiting for my bag, third day now', acme).features;
    const withIt = predict(back, x, null);
    const without = predict({ ...back, complaintNet: undefined }, x, null);
    expect(withIt.complaintProbability).toBe(predict(m, x, null).complaintProbability);
    expect(Math.abs(withIt.complaintProbability - without.complaintProbability)).toBeGreaterThan(1e-3);
    expect(withIt.probs).toEqual(without.probs);
  });
});
