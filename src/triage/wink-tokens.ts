import { createRequire } from 'node:module';
import type { Document, ItsFunction, Tokens } from 'wink-nlp';
import { TokenFacts } from './token-facts.js';

/**
 * One pass over a wink-nlp document's tokens for everything triage reads per token (value,
 * type, normal form, negation flag, stem). The public route is one `tokens().out(its.x)` per
 * property, and each of those walks every token through wink's generic mapper: five of them
 * cost about a third of wink's own tokenising. Here wink's own `its` readers are called
 * directly on the document's data, which a custom `as` reducer hands over, and what depends
 * only on the token's vocabulary id (value, type, normal of a plain token, stem) is kept per id.
 * The readers are wink's, so the values are the same; a probe at load compares this route with
 * the public one and falls back to the public one if a wink update ever makes them differ.
 */
export interface TokenReadout {
  normals: string[];
  stems: string[];
  values: string[];
  types: string[];
  negated: boolean[];
  /** Per token, the memo of what triage's lookups found for it (token-facts.ts). */
  facts: TokenFacts[];
}

/** wink's per-document data, as its `its` readers take it (wink-nlp src/wink-nlp.js readDoc). */
interface RawDoc {
  tokens: ArrayLike<number>;
}
type Reader<T> = (index: number, rdd: RawDoc) => T;

interface Its {
  value: Reader<string>;
  type: Reader<string>;
  normal: Reader<string>;
  negationFlag: Reader<boolean>;
  contractionFlag: Reader<boolean>;
  uniqueId: Reader<number>;
}

/** What a vocabulary id always reads as, within one wink instance. */
interface IdInfo {
  value: string;
  type: string;
  /** The normal form where the token is not part of a contraction, once seen so (contractions read theirs from the token). */
  normal: string | null;
  stem: string;
  facts: TokenFacts;
  /** For contraction pieces of this id, per normal form. */
  pieces: Map<string, TokenFacts> | null;
}

const IDS_MAX = 1 << 20;
// wink-nlp src/constants.js and its.js.
const TK_SIZE = 4;
const CONTRACTION = 65535;
const NEGATED = 2 ** 31;

let raw: RawDoc | null = null;
/** Registered as an allowed token reader: called for one token, it keeps the document's data. */
const grab = (_index: number, rdd: RawDoc): number => {
  raw = rdd;
  return 0;
};

function registerGrab(): boolean {
  try {
    const req = createRequire(import.meta.url);
    // The same module instance wink-nlp's own out() consults: Node caches it by resolved path.
    const allowed = req('wink-nlp/src/allowed.js') as { its4token?: Set<unknown> };
    if (!(allowed.its4token instanceof Set)) return false;
    allowed.its4token.add(grab);
    return true;
  } catch {
    return false;
  }
}

export class TokenReader {
  private infos: Array<IdInfo | undefined> = [];
  private fast: boolean;

  constructor(
    private readonly its: Its,
    private readonly stemAt: (tokens: Tokens, i: number, value: string) => string,
  ) {
    this.fast = registerGrab();
  }

  /** Token ids mean other words in a new wink instance: forget them. */
  reset(): void {
    this.infos = [];
  }

  /** False when the probe found the direct route differs from the public one (see `verify`). */
  get direct(): boolean {
    return this.fast;
  }

  read(doc: Document): TokenReadout {
    const tokens = doc.tokens();
    if (this.fast) {
      const n = tokens.length();
      if (n === 0) return { normals: [], stems: [], values: [], types: [], negated: [], facts: [] };
      raw = null;
      tokens.itemAt(0).out(grab as unknown as ItsFunction<number>);
      const rdd = raw as RawDoc | null;
      if (rdd !== null) return this.readRaw(rdd, n, tokens);
    }
    return this.readPublic(tokens);
  }

  private info(rdd: RawDoc, i: number, id: number, tokens: Tokens): IdInfo {
    const value = this.its.value(i, rdd);
    const info: IdInfo = {
      value,
      type: this.its.type(i, rdd),
      normal: null,
      stem: this.stemAt(tokens, i, value),
      facts: new TokenFacts(),
      pieces: null,
    };
    if (id >= 0 && id < IDS_MAX) {
      // Grown by push, not by writing past the end, so V8 keeps it a flat array rather than a dictionary.
      while (this.infos.length <= id) this.infos.push(undefined);
      this.infos[id] = info;
    }
    return info;
  }

  /**
   * The token layout (4 numbers per token: vocabulary id, normal or contraction data, pos,
   * negation flag in the top bit) is read here directly, as wink's its.uniqueId, contractionFlag
   * and negationFlag do; calling those per token cost more than the rest of the loop.
   */
  private readRaw(rdd: RawDoc, n: number, tokens: Tokens): TokenReadout {
    const out: TokenReadout = { normals: [], stems: [], values: [], types: [], negated: [], facts: [] };
    const tk = rdd.tokens;
    for (let i = 0; i < n; i += 1) {
      const k = i * TK_SIZE;
      const id = tk[k] as number;
      const contraction = (tk[k + 1] as number) > CONTRACTION;
      const info = this.infos[id] ?? this.info(rdd, i, id, tokens);
      // A contraction piece ("ca" of "can't") carries its normal ("can") in the token, not in the id.
      if (contraction) {
        const normal = this.its.normal(i, rdd);
        out.normals.push(normal);
        out.facts.push(pieceFacts(info, normal));
      } else {
        out.normals.push((info.normal ??= this.its.normal(i, rdd)));
        out.facts.push(info.facts);
      }
      out.stems.push(info.stem);
      out.values.push(info.value);
      out.types.push(info.type);
      out.negated.push((tk[k + 3] as number) >= NEGATED);
    }
    return out;
  }

  readPublic(tokens: Tokens): TokenReadout {
    const values = tokens.out(this.its.value as unknown as ItsFunction<string>) as string[];
    return {
      normals: tokens.out(this.its.normal as unknown as ItsFunction<string>) as string[],
      stems: values.map((v, i) => this.stemAt(tokens, i, v)),
      values,
      types: tokens.out(this.its.type as unknown as ItsFunction<string>) as string[],
      negated: tokens.out(this.its.negationFlag as unknown as ItsFunction<boolean>) as unknown as boolean[],
      // Nothing to key a memo by on this route: fresh facts per token, filled and dropped with the post.
      facts: values.map(() => new TokenFacts()),
    };
  }

  /** Compares both routes (facts are memos, not readings, so they are left out) on `docs`; on any difference the public route is used from then on. */
  verify(docs: Document[]): boolean {
    if (!this.fast) return false;
    for (const doc of docs) {
      const { facts: _a, ...a } = this.read(doc);
      const { facts: _b, ...b } = this.readPublic(doc.tokens());
      if (JSON.stringify(a) !== JSON.stringify(b)) this.fast = false;
    }
    return this.fast;
  }
}

function pieceFacts(info: IdInfo, normal: string): TokenFacts {
  info.pieces ??= new Map();
  let f = info.pieces.get(normal);
  if (f === undefined) {
    f = new TokenFacts();
    info.pieces.set(normal, f);
  }
  return f;
}
