import { replaceTokens, tokens } from './rest-tokens.js';

/**
 * Version 3 of a mentions row's `rest` (version 2 and its JSON: rest-codec.ts), written since
 * 12-02: the same fields without JSON's quotes, brackets and reply-reference key names, and each
 * repeat of the post's own ids as one byte instead of a three-byte character. ~95 → ~50 bytes per
 * Mastodon post in the bench replay.
 *
 * Fields are separated by \x1e, reply-reference entries by \x1f; a repeat of the i-th token
 * (rest-tokens.ts) is the character i + 1; a reply-reference key of the list below is \x1b and
 * a letter; a null field is \x1c. A row whose strings hold any control character is written as
 * version 2 instead, so every one of these characters means what it says here.
 */
export const MARK = '\x1d';
const FIELD = '\x1e';
const ENTRY = '\x1f';
const NULL = '\x1c';
const KEY = '\x1b';
const CONTROL = /[\x00-\x1f]/u;
const TOKEN = /[\x01-\x0f]/gu;
/** A one-byte repeat pays from two characters on. */
const MIN_TOKEN = 2;

/** Reply-reference keys the connectors write (APPEND ONLY: a stored row names one by its position). */
const REF_KEYS = [
  'statusId',
  'acct',
  'reviewId',
  'packageName',
  'tweetId',
  'replySettings',
  'name',
  'parentId',
  'videoId',
  'territory',
  'uri',
  'cid',
  'rootUri',
  'rootCid',
  'thingId',
  'subreddit',
];

export interface RestV3 {
  url: string | null;
  handle: string;
  inReplyToId: string | null;
  engagement: [number, number, number];
  rating: number | null;
  replyRef: Record<string, string>;
  /** The platform's own spelling of the post time, when the column's milliseconds do not give it back. */
  createdAt?: string;
}

interface Ids {
  nativeId: string;
  authorId: string;
}

function packer(values: string[]): (s: string) => string {
  const usable = values.map((v, i) => [v, String.fromCharCode(1 + i)] as const).filter(([v]) => v.length >= MIN_TOKEN);
  // Longest first, so the whole native id wins over its last segment at the same place; two
  // tokens with the same value are written with the later one's code.
  const codeOf = new Map<string, string>(usable);
  const order = [...usable].sort((a, b) => b[0].length - a[0].length).map(([v]) => [v, codeOf.get(v) ?? v] as const);
  return (s) => (order.length === 0 ? s : replaceTokens(s, order));
}

function strings(r: RestV3, ids: Ids): string[] {
  const out = [ids.nativeId, ids.authorId, r.handle, ...Object.entries(r.replyRef).flat()];
  for (const s of [r.url, r.inReplyToId, r.createdAt]) if (typeof s === 'string') out.push(s);
  return out;
}

/** Version 3, or null when a string of the row holds a control character (the caller writes version 2). */
export function encodeRestV3(r: RestV3, ids: Ids): string | null {
  if (strings(r, ids).some((s) => CONTROL.test(s))) return null;
  const pack = packer(tokens(ids.nativeId, ids.authorId, r.handle));
  const ref = Object.entries(r.replyRef).map(([k, v]) => {
    const i = REF_KEYS.indexOf(k);
    return `${i < 0 ? k : KEY + String.fromCharCode(0x41 + i)}${ENTRY}${pack(v)}`;
  });
  const fields = [
    r.url === null ? NULL : pack(r.url),
    r.handle,
    r.inReplyToId ?? NULL,
    r.engagement.join(','),
    r.rating === null ? NULL : String(r.rating),
    ref.join(ENTRY),
  ];
  if (r.createdAt !== undefined) fields.push(r.createdAt);
  return MARK + fields.join(FIELD);
}

export function decodeRestV3(stored: string, ids: Ids): RestV3 {
  const [url = NULL, handle = '', inReplyToId = NULL, engagement = '0,0,0', rating = NULL, ref = '', createdAt] = stored
    .slice(1)
    .split(FIELD);
  const values = tokens(ids.nativeId, ids.authorId, handle);
  const unpack = (s: string) => s.replace(TOKEN, (c) => values[c.charCodeAt(0) - 1] ?? c);
  const parts = ref === '' ? [] : ref.split(ENTRY);
  const replyRef: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const k = parts[i] ?? '';
    const key = k.startsWith(KEY) ? (REF_KEYS[k.charCodeAt(1) - 0x41] ?? k) : k;
    replyRef[key] = unpack(parts[i + 1] ?? '');
  }
  const [replies = 0, reposts = 0, likes = 0] = engagement.split(',').map(Number);
  return {
    url: url === NULL ? null : unpack(url),
    handle,
    inReplyToId: inReplyToId === NULL ? null : inReplyToId,
    engagement: [replies, reposts, likes],
    rating: rating === NULL ? null : Number(rating),
    replyRef,
    ...(createdAt !== undefined ? { createdAt } : {}),
  };
}
