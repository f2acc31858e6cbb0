import { forward, netInputs, NET_HIDDEN, NET_INPUTS, readsPost, type SmallNet } from '../small-net.js';
import { rng, shuffle, type BinaryExample, type Example } from './learn.js';

/**
 * Plain SGD with L2 on a small network (small-net.ts), trained alone on the English examples of
 * one head with their sample weights: softmax over three classes for sentiment, a logistic output
 * for complaints. 16 passes: 8 left general tweets 0.006 under 16 in the screening, and a pass
 * over 25,000 posts takes about a quarter of a second.
 */
const EPOCHS = 16;
const RATE = 0.01;
const L2 = 1e-4;
const INIT = 0.2;

interface Row {
  v: Float32Array;
  y: number;
  w: number;
}

/** Output errors (prediction minus target, times the sample weight) into z, in place of the scores. */
function outputErrors(z: Float64Array, outputs: number, r: Row): void {
  if (outputs === 1) {
    z[0] = (1 / (1 + Math.exp(-(z[0] as number))) - r.y) * r.w;
    return;
  }
  const max = Math.max(z[0] as number, z[1] as number, z[2] as number);
  let sum = 0;
  for (let c = 0; c < outputs; c += 1) {
    z[c] = Math.exp((z[c] as number) - max);
    sum += z[c] as number;
  }
  for (let c = 0; c < outputs; c += 1) z[c] = ((z[c] as number) / sum - (c === r.y ? 1 : 0)) * r.w;
}

function step(m: SmallNet, r: Row, h: Float32Array, z: Float64Array, gh: Float64Array): void {
  forward(m, r.v, h, z);
  const outputs = m.b2.length;
  outputErrors(z, outputs, r);
  gh.fill(0);
  for (let c = 0; c < outputs; c += 1) {
    const g = z[c] as number;
    for (let k = 0; k < NET_HIDDEN; k += 1) {
      const i = c * NET_HIDDEN + k;
      gh[k] = (gh[k] as number) + g * (m.w2[i] as number);
      m.w2[i] = (m.w2[i] as number) - RATE * (g * (h[k] as number) + L2 * (m.w2[i] as number));
    }
    m.b2[c] = (m.b2[c] as number) - RATE * g;
  }
  for (let k = 0; k < NET_HIDDEN; k += 1) gh[k] = (gh[k] as number) * (1 - (h[k] as number) ** 2);
  for (let i = 0; i < NET_INPUTS; i += 1) {
    const x = r.v[i] as number;
    const base = i * NET_HIDDEN;
    for (let k = 0; k < NET_HIDDEN; k += 1) {
      const g = gh[k] as number;
      if (g !== 0) m.w1[base + k] = (m.w1[base + k] as number) - RATE * (g * x + L2 * (m.w1[base + k] as number));
    }
  }
  for (let k = 0; k < NET_HIDDEN; k += 1) if (gh[k] !== 0) m.b1[k] = (m.b1[k] as number) - RATE * (gh[k] as number);
}

/**
 * The first weights are drawn one hidden unit after another, the order the measured sentiment
 * network (README) was drawn in before the weights were stored input-major, so a seed still gives it.
 */
function inputMajor(hiddenMajor: Float32Array): Float32Array {
  const w = new Float32Array(hiddenMajor.length);
  for (let k = 0; k < NET_HIDDEN; k += 1)
    for (let i = 0; i < NET_INPUTS; i += 1) w[i * NET_HIDDEN + k] = hiddenMajor[k * NET_INPUTS + i] as number;
  return w;
}

export interface NetOptions {
  /** 3 (softmax, y a class index) or 1 (logistic, y 0 or 1). */
  outputs: 1 | 3;
  seed: number;
  /** Dense inputs left out (small-net.ts skipMask). */
  skip?: Uint8Array;
}

/** Trained on the English ones among `examples`; deterministic for a seed. */
export function trainNet(examples: ReadonlyArray<Example | BinaryExample>, options: NetOptions): SmallNet {
  const random = rng(options.seed);
  const init = (n: number): Float32Array => Float32Array.from({ length: n }, () => (random() - 0.5) * INIT);
  const m: SmallNet = {
    w1: inputMajor(init(NET_HIDDEN * NET_INPUTS)),
    b1: new Float32Array(NET_HIDDEN),
    w2: init(options.outputs * NET_HIDDEN),
    b2: new Float32Array(options.outputs),
    ...(options.skip ? { skip: options.skip } : {}),
  };
  const rows: Row[] = examples
    .filter((e) => readsPost(e.x))
    .map((e) => ({ v: netInputs(e.x, new Float32Array(NET_INPUTS), options.skip), y: e.y, w: e.w }));
  const h = new Float32Array(NET_HIDDEN);
  const z = new Float64Array(3);
  const gh = new Float64Array(NET_HIDDEN);
  for (let epoch = 0; epoch < EPOCHS; epoch += 1) for (const r of shuffle(rows, random)) step(m, r, h, z, gh);
  return m;
}
