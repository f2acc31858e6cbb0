/** The n-gram table as eld ships it: per n-gram, per language index, a score minus 53. */
export interface NgramTable {
  languages: Record<string, string>;
  ngrams: Record<string, Record<string, number>>;
}

/** eld subtracts this from every stored score to keep its table small; it is added back here, once. */
const BASE_SCORE = 53;
const MAGIC = 'earshot-eld-packed';
const FORMAT = 1;

interface Header {
  magic: string;
  format: number;
  about: string;
  version: string;
  languages: Record<string, string>;
  grams: number;
  pairs: number;
  keyUnits: number;
}

/**
 * ELD's n-gram table packed into a few typed arrays: every n-gram's (language, score) pairs side
 * by side, found through an open-addressing hash of the n-gram's characters. As a parsed JSON
 * object (81k n-grams, each an object keyed by language index) the table held about 26 MB of a
 * worker's heap and 65 MB of its resident memory, with a memo of converted entries growing beside
 * it; packed it is about 3 MB, read from models/eld-small.bin without parsing, and a lookup
 * allocates nothing.
 */
export class PackedNgrams {
  private readonly slots: Uint32Array;
  private readonly mask: number;

  private constructor(
    readonly header: Header,
    /** Every n-gram, one after another; n-gram i is keys[keyAt[i] .. keyAt[i + 1]). */
    private readonly keys: string,
    private readonly keyAt: Uint32Array,
    /** Pairs of n-gram i are pairLang/pairScore[pairAt[i] .. pairAt[i + 1]). */
    readonly pairAt: Uint32Array,
    readonly pairLang: Uint8Array,
    readonly pairScore: Int32Array,
  ) {
    // Hash slot → n-gram index + 1 (0: empty), at most half full; rebuilt on load rather than stored (1 MB).
    let size = 1;
    while (size < header.grams * 2) size *= 2;
    this.slots = new Uint32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < header.grams; i += 1) {
      let h = hash(keys, keyAt[i] as number, keyAt[i + 1] as number) & this.mask;
      while (this.slots[h] !== 0) h = (h + 1) & this.mask;
      this.slots[h] = i + 1;
    }
  }

  /** From the table as eld ships it (scripts/build-eld-data.ts). */
  static fromTable(table: NgramTable, about: string, version: string): PackedNgrams {
    const grams = Object.keys(table.ngrams);
    let pairs = 0;
    for (const g of grams) pairs += Object.keys(table.ngrams[g] ?? {}).length;
    const keyAt = new Uint32Array(grams.length + 1);
    const pairAt = new Uint32Array(grams.length + 1);
    const pairLang = new Uint8Array(pairs);
    const pairScore = new Int32Array(pairs);
    let units = 0;
    let p = 0;
    grams.forEach((g, i) => {
      keyAt[i] = units;
      units += g.length;
      pairAt[i] = p;
      const scores = table.ngrams[g] ?? {};
      for (const lang of Object.keys(scores)) {
        pairLang[p] = Number(lang);
        pairScore[p] = (scores[lang] ?? 0) + BASE_SCORE;
        p += 1;
      }
    });
    keyAt[grams.length] = units;
    if (grams.some((g) => /[^\u0000-\u00ff]/.test(g)))
      throw new Error('an eld n-gram is not spelled in bytes: the packed table keeps one byte per character');
    pairAt[grams.length] = p;
    const header: Header = {
      magic: MAGIC,
      format: FORMAT,
      about,
      version,
      languages: table.languages,
      grams: grams.length,
      pairs,
      keyUnits: units,
    };
    return new PackedNgrams(header, grams.join(''), keyAt, pairAt, pairLang, pairScore);
  }

  /** A JSON header, then the arrays, each at a multiple of 4 bytes: loading is a few views, no parsing. */
  toBuffer(): Buffer {
    const head = Buffer.from(JSON.stringify(this.header));
    const headLength = align(4 + head.length);
    const parts: Buffer[] = [Buffer.alloc(headLength)];
    parts[0]?.writeUInt32LE(head.length, 0);
    head.copy(parts[0] as Buffer, 4);
    for (const a of [this.keyAt, this.pairAt, this.pairLang, this.pairScore]) {
      const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      parts.push(bytes, Buffer.alloc(align(bytes.length) - bytes.length));
    }
    parts.push(Buffer.from(this.keys, 'latin1'));
    return Buffer.concat(parts);
  }

  static fromBuffer(buf: Buffer, file: string): PackedNgrams {
    const fail = (why: string): never => {
      throw new Error(`${file}: ${why}; rewrite it with \`npm run build:eld\``);
    };
    if (buf.length < 4) fail('too short');
    const headLength = buf.readUInt32LE(0);
    let header: Header | null = null;
    try {
      header = JSON.parse(buf.toString('utf8', 4, 4 + headLength)) as Header;
    } catch {
      fail('not an ELD table Earshot wrote');
    }
    if (header?.magic !== MAGIC || header.format !== FORMAT) return fail(`not format ${FORMAT} of an ELD table Earshot wrote`);
    // A copy at an aligned offset of its own, so every array is a view of one buffer.
    const bytes = new Uint8Array(buf.length);
    bytes.set(buf);
    let at = align(4 + headLength);
    const take = <T>(make: (b: ArrayBuffer, offset: number, n: number) => T, n: number, width: number): T => {
      if (at + n * width > bytes.length) fail('cut short');
      const view = make(bytes.buffer, at, n);
      at += align(n * width);
      return view;
    };
    const keyAt = take((b, o, n) => new Uint32Array(b, o, n), header.grams + 1, 4);
    const pairAt = take((b, o, n) => new Uint32Array(b, o, n), header.grams + 1, 4);
    const pairLang = take((b, o, n) => new Uint8Array(b, o, n), header.pairs, 1);
    const pairScore = take((b, o, n) => new Int32Array(b, o, n), header.pairs, 4);
    if (at + header.keyUnits !== bytes.length) fail('wrong size');
    // One byte per character: eld's n-grams are UTF-8 bytes spelled as characters 0-255, and a one-byte string compares faster.
    const keys = buf.toString('latin1', at, at + header.keyUnits);
    return new PackedNgrams(header, keys, keyAt, pairAt, pairLang, pairScore);
  }

  /** The n-gram's index, or -1 when the table does not have it. */
  find(gram: string): number {
    let h = hash(gram, 0, gram.length) & this.mask;
    for (;;) {
      const slot = this.slots[h] as number;
      if (slot === 0) return -1;
      if (this.is(slot - 1, gram)) return slot - 1;
      h = (h + 1) & this.mask;
    }
  }

  private is(i: number, gram: string): boolean {
    const from = this.keyAt[i] as number;
    if ((this.keyAt[i + 1] as number) - from !== gram.length) return false;
    for (let k = 0; k < gram.length; k += 1) if (this.keys.charCodeAt(from + k) !== gram.charCodeAt(k)) return false;
    return true;
  }
}

const align = (n: number): number => (n + 3) & ~3;

/** FNV-1a over UTF-16 units of s[from, to): n-grams are a few characters, so this costs about what a Map lookup does. */
function hash(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i += 1) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
