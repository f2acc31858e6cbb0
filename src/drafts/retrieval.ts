import { extractSlots, type Slots } from './slots.js';

/**
 * The team's own voice: replies the brand approved for similar posts, found by BM25 over the
 * posts they answered and re-filled for this person (their name, their numbers). Every reply a
 * team edits and sends becomes a candidate for the next similar post.
 */

const STOP = new Set(
  `a an the and or but if so of to in on at for from by with about as into over after before than then i me my mine we our us you your
  yours he him his she her it its they them their this that these those is are was were be been being am do does did have has had will
  would can could should shall may might must not no nor there here what which who whom when where why how all any some just very too
  also only up out off again still yet ever even because while until since get got im i'm it's dont don't cant can't its thats that's
  de la el en y que los las un una por con para es lo se del al der die das und ist ich nicht ein eine zu mit le les et est pas je un une
  des du pour dans`.split(/\s+/),
);

export function tokens(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/https?:\/\/\S+/g, ' ')
      .replace(/(?<![\p{L}\p{N}])@[\p{L}\p{N}_.@-]+/gu, ' ')
      .match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? []
  ).filter((t) => !STOP.has(t) && t.length > 1);
}

export interface Doc<T> {
  tokens: string[];
  value: T;
}

const K1 = 1.2;
const B = 0.75;

/** BM25 over `docs` (the candidates: a brand's earlier answered posts); highest first, zero scores left out. */
export function bm25<T>(query: string[], docs: ReadonlyArray<Doc<T>>, top: number): Array<{ score: number; value: T }> {
  if (docs.length === 0 || query.length === 0) return [];
  const df = new Map<string, number>();
  let total = 0;
  for (const d of docs) {
    total += d.tokens.length;
    for (const t of new Set(d.tokens)) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const avg = total / docs.length || 1;
  const terms = [...new Set(query)];
  const scored: Array<{ score: number; value: T }> = [];
  for (const d of docs) {
    const tf = new Map<string, number>();
    for (const t of d.tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    let score = 0;
    for (const t of terms) {
      const f = tf.get(t);
      if (!f) continue;
      const n = df.get(t) ?? 0;
      const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
      score += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.tokens.length) / avg));
    }
    if (score > 0) scored.push({ score, value: d.value });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, top);
}

/** Said instead of an old post's number when this post gives none. */
const FALLBACK: Partial<Record<keyof Slots, string>> = {
  flight: 'your flight',
  booking: 'your booking',
  order: 'your order',
  ticket: 'your reference',
  date: 'that day',
  waited: 'this long',
};

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

export interface RefillInput {
  /** The old reply and the post it answered. */
  reply: string;
  oldPost: string;
  oldName: string;
  oldHandle: string;
  /** This post and its author. */
  post: string;
  name: string;
  handle: string;
}

/**
 * The old reply with the old person's name, handle and numbers swapped for this post's. A
 * number this post does not give becomes a neutral phrase ("your booking"), never the other
 * customer's. Leading @mentions are dropped: the platform addresses the reply.
 */
export function refill(input: RefillInput): string {
  let text = input.reply.replace(/^(?:\s*@[\p{L}\p{N}_.@-]+)+\s*/u, '');
  const oldSlots = extractSlots(input.oldPost);
  const newSlots = extractSlots(input.post);
  for (const key of Object.keys(FALLBACK) as Array<keyof Slots>) {
    const old = oldSlots[key];
    if (!old || old.length < 2) continue;
    const value = newSlots[key] ?? FALLBACK[key] ?? '';
    text = text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(old)}(?![\\p{L}\\p{N}])`, 'giu'), value);
  }
  const oldFirst = firstName(input.oldName);
  if (oldFirst.length > 1)
    text = text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(oldFirst)}(?![\\p{L}\\p{N}])`, 'gu'), input.name || 'there');
  const oldHandle = input.oldHandle.replace(/^@+/, '');
  if (oldHandle) text = text.replace(new RegExp(`@?${escapeRe(oldHandle)}`, 'giu'), input.handle);
  return text
    .replace(/\b(Hi|Hello|Hey) there there\b/g, '$1 there')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

function normalised(text: string): string {
  return tokens(text).join(' ');
}

export interface TeamCandidate {
  post: string;
  reply: string;
  name: string;
  handle: string;
  /** Where it came from, kept in the alternative's detail. */
  ref: Record<string, unknown>;
}

/** Up to `top` distinct re-filled replies for `post`, best match first. */
export function teamReplies(
  post: string,
  person: { name: string; handle: string },
  candidates: readonly TeamCandidate[],
  top = 2,
): Array<{ text: string; score: number; ref: Record<string, unknown> }> {
  const ranked = bm25(
    tokens(post),
    candidates.map((c) => ({ tokens: tokens(c.post), value: c })),
    top * 4,
  );
  const seen = new Set<string>();
  const out: Array<{ text: string; score: number; ref: Record<string, unknown> }> = [];
  for (const { score, value } of ranked) {
    const text = refill({
      reply: value.reply,
      oldPost: value.post,
      oldName: value.name,
      oldHandle: value.handle,
      post,
      name: person.name,
      handle: person.handle,
    });
    const key = normalised(text);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push({ text, score, ref: value.ref });
    if (out.length >= top) break;
  }
  return out;
}
