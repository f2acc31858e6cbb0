import { forward, mlpInputs, MLP_HIDDEN, MLP_INPUTS, readsPost, type SentimentMlp } from '../sentiment-mlp.js';
import { rng, shuffle, type Example } from './learn.js';

/**
 * Plain SGD with L2 on the small sentiment network (sentiment-mlp.ts), trained alone on the
 * English sentiment examples with their sample weights. 16 passes: 8 left general tweets 0.006
 * under 16 in the screening, and a pass over 25,000 posts takes about a quarter of a second.
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

function step(m: SentimentMlp, r: Row, h: Float32Array, z: Float64Array, gh: Float64Array): void {
  forward(m, r.v, h, z);
  const max = Math.max(z[0] as number, z[1] as number, z[2] as number);
  let sum = 0;
  for (let c = 0; c < 3; c += 1) {
    z[c] = Math.exp((z[c] as number) - max);
    sum += z[c] as number;
  }
  gh.fill(0);
  for (let c = 0; c < 3; c += 1) {
    const g = ((z[c] as number) / sum - (c === r.y ? 1 : 0)) * r.w;
    for (let k = 0; k < MLP_HIDDEN; k += 1) {
      const i = c * MLP_HIDDEN + k;
      gh[k] = (gh[k] as number) + g * (m.w2[i] as number);
      m.w2[i] = (m.w2[i] as number) - RATE * (g * (h[k] as number) + L2 * (m.w2[i] as number));
    }
    m.b2[c] = (m.b2[c] as number) - RATE * g;
  }
  for (let k = 0; k < MLP_HIDDEN; k += 1) gh[k] = (gh[k] as number) * (1 - (h[k] as number) ** 2);
  for (let i = 0; i < MLP_INPUTS; i += 1) {
    const x = r.v[i] as number;
    const base = i * MLP_HIDDEN;
    for (let k = 0; k < MLP_HIDDEN; k += 1) {
      const g = gh[k] as number;
      if (g !== 0) m.w1[base + k] = (m.w1[base + k] as number) - RATE * (g * x + L2 * (m.w1[base + k] as number));
    }
  }
  for (let k = 0; k < MLP_HIDDEN; k += 1) if (gh[k] !== 0) m.b1[k] = (m.b1[k] as number) - RATE * (gh[k] as number);
}

/**
 * The first weights are drawn one hidden unit after another, the order the measured network
 * (README) was drawn in before the weights were stored input-major, so a seed still gives it.
 */
function inputMajor(hiddenMajor: Float32Array): Float32Array {
  const w = new Float32Array(hiddenMajor.length);
  for (let k = 0; k < MLP_HIDDEN; k += 1)
    for (let i = 0; i < MLP_INPUTS; i += 1) w[i * MLP_HIDDEN + k] = hiddenMajor[k * MLP_INPUTS + i] as number;
  return w;
}

/** Trained on the English ones among `examples`; deterministic for a seed. */
export function trainMlp(examples: readonly Example[], seed = 11): SentimentMlp {
  const random = rng(seed);
  const init = (n: number): Float32Array => Float32Array.from({ length: n }, () => (random() - 0.5) * INIT);
  const m: SentimentMlp = {
    w1: inputMajor(init(MLP_HIDDEN * MLP_INPUTS)),
    b1: new Float32Array(MLP_HIDDEN),
    w2: init(3 * MLP_HIDDEN),
    b2: new Float32Array(3),
  };
  const rows: Row[] = examples
    .filter((e) => readsPost(e.x))
    .map((e) => ({ v: mlpInputs(e.x, new Float32Array(MLP_INPUTS)), y: e.y, w: e.w }));
  const h = new Float32Array(MLP_HIDDEN);
  const z = new Float64Array(3);
  const gh = new Float64Array(MLP_HIDDEN);
  for (let epoch = 0; epoch < EPOCHS; epoch += 1) for (const r of shuffle(rows, random)) step(m, r, h, z, gh);
  return m;
}
