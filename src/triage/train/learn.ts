import type { Features } from '../features.js';

/**
 * Multinomial logistic regression over sparse features, trained with AdaGrad and L2 applied to
 * the weights each example touches. Small and dependency-free: the data sets are tens of
 * thousands of short posts, so a few passes take about a second.
 */
export interface Example {
  x: Features;
  /** Class index. */
  y: number;
  /** Sample weight (class balance, source mix, corrections counting more). */
  w: number;
}

export interface TrainOptions {
  classes: number;
  dim: number;
  epochs?: number;
  rate?: number;
  l2?: number;
  seed?: number;
}

/** Deterministic shuffling so a retrain on the same data gives the same model. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Class scores then softmax, in place in `out`. Weights are feature-major, w[i * classes + c], so
 * one feature's class weights share a cache line: scoring touches a few dozen scattered features.
 */
export function softmax(w: ArrayLike<number>, x: Features, out: Float64Array, bias?: ArrayLike<number>): Float64Array {
  const k = out.length;
  for (let c = 0; c < k; c += 1) out[c] = bias ? (bias[c] ?? 0) : 0;
  for (let j = 0; j < x.idx.length; j += 1) {
    const base = (x.idx[j] as number) * k;
    const v = x.val[j] as number;
    for (let c = 0; c < k; c += 1) out[c] = (out[c] as number) + (w[base + c] as number) * v;
  }
  let max = -Infinity;
  for (let c = 0; c < k; c += 1) max = Math.max(max, out[c] as number);
  let sum = 0;
  for (let c = 0; c < k; c += 1) {
    const e = Math.exp((out[c] as number) - max);
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c += 1) out[c] = (out[c] as number) / sum;
  return out;
}

function step(w: Float32Array, g2: Float32Array, ex: Example, p: Float64Array, o: Required<TrainOptions>): void {
  const k = o.classes;
  for (let c = 0; c < k; c += 1) {
    const err = ((p[c] as number) - (c === ex.y ? 1 : 0)) * ex.w;
    for (let j = 0; j < ex.x.idx.length; j += 1) {
      const i = (ex.x.idx[j] as number) * k + c;
      const grad = err * (ex.x.val[j] as number) + o.l2 * (w[i] as number);
      g2[i] = (g2[i] as number) + grad * grad;
      w[i] = (w[i] as number) - (o.rate * grad) / Math.sqrt((g2[i] as number) + 1e-8);
    }
  }
}

export function trainSoftmax(examples: Example[], options: TrainOptions): Float32Array {
  const o: Required<TrainOptions> = { epochs: 12, rate: 0.1, l2: 1e-4, seed: 7, ...options };
  const w = new Float32Array(o.classes * o.dim);
  const g2 = new Float32Array(o.classes * o.dim);
  const p = new Float64Array(o.classes);
  const random = rng(o.seed);
  // Averaging the weights of the later passes smooths out the order-dependent noise of SGD.
  const avg = new Float32Array(w.length);
  let snapshots = 0;
  for (let epoch = 0; epoch < o.epochs; epoch += 1) {
    for (const ex of shuffle(examples, random)) {
      softmax(w, ex.x, p);
      step(w, g2, ex, p, o);
    }
    if (epoch >= Math.floor(o.epochs / 2)) {
      for (let i = 0; i < w.length; i += 1) avg[i] = (avg[i] as number) + (w[i] as number);
      snapshots += 1;
    }
  }
  for (let i = 0; i < avg.length; i += 1) avg[i] = (avg[i] as number) / snapshots;
  return avg;
}

export interface BinaryExample {
  x: Features;
  y: 0 | 1;
  w: number;
}

/**
 * Logistic regression for the one-output heads (complaint, irony): the same AdaGrad and L2 as
 * trainSoftmax, with half its work, since a two-class softmax carries two mirrored weight vectors.
 */
export function trainLogistic(examples: BinaryExample[], options: Omit<TrainOptions, 'classes'>): Float32Array {
  const o = { epochs: 12, rate: 0.1, l2: 1e-4, seed: 7, ...options };
  const w = new Float32Array(o.dim);
  const g2 = new Float32Array(o.dim);
  const avg = new Float32Array(o.dim);
  const random = rng(o.seed);
  let snapshots = 0;
  for (let epoch = 0; epoch < o.epochs; epoch += 1) {
    for (const ex of shuffle(examples, random)) {
      let z = 0;
      for (let j = 0; j < ex.x.idx.length; j += 1) z += (w[ex.x.idx[j] as number] as number) * (ex.x.val[j] as number);
      const err = (1 / (1 + Math.exp(-z)) - ex.y) * ex.w;
      for (let j = 0; j < ex.x.idx.length; j += 1) {
        const i = ex.x.idx[j] as number;
        const grad = err * (ex.x.val[j] as number) + o.l2 * (w[i] as number);
        g2[i] = (g2[i] as number) + grad * grad;
        w[i] = (w[i] as number) - (o.rate * grad) / Math.sqrt((g2[i] as number) + 1e-8);
      }
    }
    if (epoch >= Math.floor(o.epochs / 2)) {
      for (let i = 0; i < w.length; i += 1) avg[i] = (avg[i] as number) + (w[i] as number);
      snapshots += 1;
    }
  }
  for (let i = 0; i < avg.length; i += 1) avg[i] = (avg[i] as number) / snapshots;
  return avg;
}
