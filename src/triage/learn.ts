import type { Features } from './features.js';

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

/** Class scores then softmax, in place in `out`. Weights are laid out class-major: w[c * dim + i]. */
export function softmax(w: ArrayLike<number>, dim: number, x: Features, out: Float64Array, bias?: ArrayLike<number>): Float64Array {
  const k = out.length;
  let max = -Infinity;
  for (let c = 0; c < k; c += 1) {
    let z = bias ? (bias[c] ?? 0) : 0;
    const base = c * dim;
    for (let j = 0; j < x.idx.length; j += 1) z += (w[base + (x.idx[j] as number)] as number) * (x.val[j] as number);
    out[c] = z;
    if (z > max) max = z;
  }
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
  const { dim } = o;
  for (let c = 0; c < o.classes; c += 1) {
    const err = ((p[c] as number) - (c === ex.y ? 1 : 0)) * ex.w;
    const base = c * dim;
    for (let j = 0; j < ex.x.idx.length; j += 1) {
      const i = base + (ex.x.idx[j] as number);
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
  for (let epoch = 0; epoch < o.epochs; epoch += 1) {
    for (const ex of shuffle(examples, random)) {
      softmax(w, o.dim, ex.x, p);
      step(w, g2, ex, p, o);
    }
  }
  return w;
}
