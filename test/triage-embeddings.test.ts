import { afterEach, describe, expect, it } from 'vitest';
import { parseVectors, useVectors, wordVectors, type WordVectors } from '../src/triage/embeddings.js';
import { embedPost } from '../src/triage/embeddings-features.js';
import { EMBED_DIMS, EMBED_START } from '../src/triage/feature-space.js';
import { triage } from '../src/triage/index.js';
import { serialiseModel, parseModel, activeModel } from '../src/triage/model.js';
import { analyse } from '../src/triage/nlp.js';
import { readPost } from '../src/triage/signals.js';
import type { BrandConfig } from '../src/config/schema.js';
import type { Mention } from '../src/mention.js';

const acme: BrandConfig = { id: 'acme', name: 'Acme Air', keywords: ['acmeair'], handles: ['@AcmeAir'], hashtags: ['#acmeair'] };

function mention(text: string): Mention {
  return {
    id: 'm_AAAAAAAAAAAAAAAAAAAAAA',
    platform: 'mastodon',
    sourceId: 'test',
    brandId: 'acme',
    nativeId: '1',
    url: null,
    text,
    lang: null,
    createdAt: '2026-11-20T08:00:00Z',
    inReplyToId: null,
    rating: null,
    replyRef: {},
    author: { id: 'u1', handle: 'kim@example.social', name: 'Kim', followers: null, url: null },
    engagement: { replies: 0, reposts: 0, likes: 0 },
  };
}

function vectorOf(v: WordVectors, word: string): Float64Array {
  const row = v.rows.get(word);
  if (row === undefined) throw new Error(`no vector for ${word}`);
  const out = new Float64Array(v.dims);
  for (let d = 0; d < v.dims; d += 1) out[d] = (v.q[row * v.dims + d] as number) * (v.scales[row] as number);
  return out;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let d = 0; d < a.length; d += 1) {
    ab += (a[d] as number) * (b[d] as number);
    aa += (a[d] as number) ** 2;
    bb += (b[d] as number) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

function embed(text: string): Float32Array {
  const out = new Float32Array(EMBED_DIMS);
  embedPost(analyse(text), out);
  return out;
}

afterEach(() => useVectors(undefined));

describe('English word vectors', () => {
  it('load from the committed file: 50,000 frequent words, 100 dims, in frequency order, with meaningful neighbours', () => {
    const v = wordVectors();
    expect(v).not.toBeNull();
    const vectors = v as WordVectors;
    expect(vectors.dims).toBe(EMBED_DIMS);
    expect(vectors.rows.size).toBe(50_000);
    expect(vectors.q.length).toBe(50_000 * EMBED_DIMS);
    // Frequency order, as the package lists them: "the" first, everyday words early.
    expect(vectors.rows.get('the')).toBe(0);
    expect(vectors.rows.get('delayed') ?? Infinity).toBeLessThan(10_000);
    // A byte or scale read at the wrong offset would scramble these.
    const late = vectorOf(vectors, 'late');
    expect(cosine(vectorOf(vectors, 'delayed'), late)).toBeGreaterThan(0.5);
    expect(cosine(vectorOf(vectors, 'delayed'), vectorOf(vectors, 'banana'))).toBeLessThan(0.2);
    expect(cosine(vectorOf(vectors, 'refund'), vectorOf(vectors, 'reimbursement'))).toBeGreaterThan(0.5);
  });

  it('refuses a file that is not a vector file', () => {
    expect(() => parseVectors(Buffer.from('JSON{}......'))).toThrow(/not a word-vector file/);
  });

  it('a post reads as the weighted mean of its words, frequent words counting little, at a fixed length', () => {
    const v = wordVectors() as WordVectors;
    const post = embed('the flight was delayed');
    const length = Math.sqrt(post.reduce((s, x) => s + x * x, 0));
    expect(length).toBeCloseTo(3, 4);
    // "the" and "was" nearly vanish: the post points where "flight" and "delayed" do.
    const content = vectorOf(v, 'flight').map((x, d) => x + (vectorOf(v, 'delayed')[d] as number));
    expect(cosine(post, content)).toBeGreaterThan(0.99);
    // An unweighted mean would lean towards the function words.
    const plainMean = content.map((x, d) => x + (vectorOf(v, 'the')[d] as number) + (vectorOf(v, 'was')[d] as number));
    expect(cosine(post, content) - cosine(plainMean, content)).toBeGreaterThan(0.02);
  });

  it('reads hashtags without "#" and held letters folded, and a long post weighs as a short one', () => {
    const plain = embed('so delayed');
    expect(cosine(embed('so #delayed'), plain)).toBeGreaterThan(0.999);
    expect(cosine(embed('so delaaaayed'), plain)).toBeGreaterThan(0.999);
    const long = embed('delayed delayed delayed delayed delayed delayed');
    expect(Math.sqrt(long.reduce((s, x) => s + x * x, 0))).toBeCloseTo(3, 4);
  });

  it("are the last block of an English post's features and absent from other languages", () => {
    const en = readPost('my parcel never arrived and nobody answers', acme).features;
    const at = Array.from(en.idx).indexOf(EMBED_START);
    expect(at).toBeGreaterThan(0);
    expect(en.idx.length - at).toBe(EMBED_DIMS);
    expect(Array.from(en.val.slice(at))).toEqual(Array.from(embed('my parcel never arrived and nobody answers')));
    const es = readPost('mi pedido nunca llegó y nadie contesta', acme, 'es').features;
    expect(Array.from(es.idx).some((i) => i >= EMBED_START)).toBe(false);
  });

  it('a post with no known word gets no vector and is still scored', () => {
    expect(embedPost(analyse('zxqvbn blorfwex'), new Float32Array(EMBED_DIMS))).toBe(false);
    const x = readPost('zxqvbn blorfwex', acme).features;
    expect(Array.from(x.idx).some((i) => i >= EMBED_START)).toBe(false);
    const author = { priorMentions: 0, recentMentions: 0, priorComplaints: 0, repliesSent: 0 };
    const r = triage(mention('zxqvbn blorfwex!!'), { brand: acme, author });
    expect(r.sentimentScored).toBe(true);
    expect(['negative', 'neutral', 'positive']).toContain(r.sentiment);
  });

  it('the model is trained with them: a model file without the vector block is refused with the fix', () => {
    const stored = JSON.parse(serialiseModel(activeModel())) as Record<string, unknown>;
    delete stored.embedDims;
    expect(() => parseModel(JSON.stringify(stored))).toThrow(/npm run train/);
  });
});
