import { describe, expect, it } from 'vitest';
import { DENSE, EMBED_DIMS, EMBED_START, NOT_ENGLISH, type Features } from '../src/triage/feature-space.js';
import { activeModel, parseModel, predict, serialiseModel } from '../src/triage/model.js';
import {
  addMlp,
  forward,
  MLP_BLEND,
  MLP_HIDDEN,
  MLP_INPUTS,
  mlpInputs,
  packMlp,
  readsPost,
  unpackMlp,
} from '../src/triage/sentiment-mlp.js';
import { trainMlp } from '../src/triage/train/train-mlp.js';
import { readPost } from '../src/triage/signals.js';
import type { BrandConfig } from '../src/config/schema.js';

const acme: BrandConfig = { id: 'acme', name: 'Acme Air', keywords: ['acmeair'], handles: ['@AcmeAir'], hashtags: ['#acmeair'] };

/** A sparse vector with the given dense values and word-vector values, indices sorted as feature-vector.ts keeps them. */
function features(dense: Record<number, number>, embed: Record<number, number>): Features {
  const idx = [...Object.keys(dense).map(Number), ...Object.keys(embed).map((k) => EMBED_START + Number(k))].sort((a, b) => a - b);
  const val = idx.map((i) => (i >= EMBED_START ? (embed[i - EMBED_START] as number) : (dense[i] as number)));
  return { idx: Int32Array.from(idx), val: Float32Array.from(val), terms: [] };
}

describe('sentiment network beside the linear head', () => {
  it('reads the dense block and the word vector into one input, and nothing of the hashed words', () => {
    const x = features({ 0: 1, 3: 0.5 }, { 0: -0.25, [EMBED_DIMS - 1]: 0.75 });
    const withWord = {
      ...x,
      idx: Int32Array.from([...x.idx.slice(0, 2), DENSE + 12345, ...x.idx.slice(2)]),
      val: Float32Array.from([...x.val.slice(0, 2), 9, ...x.val.slice(2)]),
    };
    const v = mlpInputs(withWord, new Float32Array(MLP_INPUTS));
    expect(v[0]).toBe(1);
    expect(v[3]).toBe(0.5);
    expect(v[DENSE]).toBe(-0.25);
    expect(v[DENSE + EMBED_DIMS - 1]).toBe(0.75);
    expect([...v].filter((n) => n !== 0)).toHaveLength(4);
  });

  it('reads English posts only, so other languages keep the linear scores they were tuned on', () => {
    expect(readsPost(readPost('still waiting for my bag', acme).features)).toBe(true);
    expect(readsPost(features({ 0: 1, [NOT_ENGLISH]: 1 }, {}))).toBe(false);
    const m = trainMlp([{ x: features({ 0: 1 }, { 0: 1 }), y: 2, w: 1 }]);
    const z = [0, 0, 0];
    addMlp(m, features({ 0: 1, [NOT_ENGLISH]: 1 }, { 0: 1 }), z);
    expect(z).toEqual([0, 0, 0]);
    addMlp(m, features({ 0: 1 }, { 0: 1 }), z);
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
    const m = trainMlp(examples, 3);
    const right = cases.filter(([a, b, y]) => {
      const z = [0, 0, 0];
      addMlp(m, features({ 0: 1, 3: a, 4: b }, { 5: a - b }), z);
      return (z[2] as number) > (z[0] as number) === (y === 1);
    });
    expect(right).toHaveLength(4);
    expect(trainMlp(examples, 3).w1).toEqual(m.w1);
  });

  it('survives the model file, and the committed model has one that changes English scores', () => {
    const m = activeModel();
    expect(m.sentimentMlp, 'retrain with `npm run train`').toBeDefined();
    const back = parseModel(serialiseModel(m));
    expect(back.sentimentMlp?.w1).toEqual(m.sentimentMlp?.w1);
    expect(back.sentimentMlp?.b2).toEqual(m.sentimentMlp?.b2);
    const x = readPost('the flight was fine I guess, nothing to write home about', acme).features;
    const withIt = predict(back, x, null).probs;
    const without = predict({ ...back, sentimentMlp: undefined }, x, null).probs;
    expect(withIt).toEqual(predict(m, x, null).probs);
    expect(Math.max(...withIt.map((p, i) => Math.abs(p - (without[i] as number))))).toBeGreaterThan(1e-3);
  });

  it('scores a post from its sparse features exactly as training scored its dense input', () => {
    const m = activeModel().sentimentMlp ?? trainMlp([]);
    for (const text of ['still waiting for my bag', 'LOVE the new seats!!! thank you', 'How do I export my notebooks?']) {
      const x = readPost(text, acme).features;
      const out = new Float64Array(3);
      forward(m, mlpInputs(x, new Float32Array(MLP_INPUTS)), new Float32Array(MLP_HIDDEN), out);
      const z = [0, 0, 0];
      addMlp(m, x, z);
      expect(z).toEqual([...out].map((v) => MLP_BLEND * v));
    }
  });

  it('refuses a network of the wrong size with what would fix it', () => {
    const stored = packMlp(activeModel().sentimentMlp ?? trainMlp([]));
    expect(() => unpackMlp({ ...stored, w2: stored.b1 })).toThrow(/w2 has the wrong size; retrain it with `npm run train`/);
    expect(() => unpackMlp({ ...stored, hidden: 8 })).toThrow(/npm run train/);
    const { layout: _, ...hiddenMajor } = stored;
    expect(() => unpackMlp(hiddenMajor)).toThrow(/npm run train/);
  });
});
