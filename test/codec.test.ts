import { describe, expect, it } from 'vitest';
import type { Mention } from '../src/mention.js';
import { decodeMention, encodeMention } from '../src/store/codec.js';
import { decodeTriage, encodeTriage, encodeTriageJson } from '../src/store/triage-codec.js';
import { encodeRest, mentionFromRow, restUrl, type MentionColumns } from '../src/store/rest-codec.js';
import { triage as score } from '../src/triage/index.js';
import { asMention } from '../src/triage/train/eval/speed.js';
import type { BrandConfig } from '../src/config/schema.js';
import type { TriageResult } from '../src/triage-types.js';

const mention: Mention = {
  id: 'm_abcdefghijklmnopqrstuv',
  platform: 'mastodon',
  sourceId: 'masto',
  brandId: 'acme',
  nativeId: 'https://example.social/users/ann/statuses/1',
  url: 'https://example.social/@ann/1',
  text: 'still waiting for my bag "quoted" \\ and ünïcode 😡',
  lang: null,
  createdAt: '2026-11-24T06:43:05.888Z',
  author: { id: '7', handle: 'ann@example.social', name: 'Ann', followers: null, url: null },
  inReplyToId: '42',
  engagement: { replies: 1, reposts: 2, likes: 3 },
  rating: 4,
  replyRef: { statusId: '1', acct: 'ann@example.social' },
};

const triage: TriageResult = {
  sentiment: 'negative',
  score: -0.9,
  sentimentConfidence: 0.95,
  sentimentScored: false,
  complaint: true,
  complaintProbability: 0.97,
  category: 'lost_damaged_item',
  question: false,
  language: 'und',
  urgency: 64,
  reasons: ['complaint (97% likely)', 'words "bag"'],
};

describe('stored mention codec', () => {
  it('round-trips every field of a mention and of a triage result', () => {
    expect(decodeMention(mention.id, encodeMention(mention))).toEqual(mention);
    expect(decodeTriage(encodeTriage(triage))).toEqual(triage);
    expect(decodeTriage(encodeTriage({ ...triage, sentimentScored: true, complaint: false, question: true }))).toMatchObject({
      sentimentScored: true,
      complaint: false,
      question: true,
    });
    expect(decodeTriage(encodeTriage({ ...triage, irony: 0.82 }))).toEqual({ ...triage, irony: 0.82 });
  });

  it('reads a triage row stored before irony was scored', () => {
    const old = JSON.stringify(['negative', -0.9, 0.95, 1, 1, 0.97, 'lost_damaged_item', 0, 'en', 64, ['complaint (97% likely)']]);
    const back = decodeTriage(old);
    expect(back).toMatchObject({ sentiment: 'negative', category: 'lost_damaged_item', language: 'en', urgency: 64 });
    expect(back.irony).toBeUndefined();
  });

  it('stores fewer bytes than the object form, and still reads the object form', () => {
    expect(encodeMention(mention).length).toBeLessThan(JSON.stringify(mention).length * 0.75);
    expect(encodeTriage(triage).length).toBeLessThan(JSON.stringify(triage).length * 0.75);
    expect(decodeMention(mention.id, JSON.stringify(mention))).toEqual(mention);
    expect(decodeTriage(JSON.stringify(triage))).toEqual(triage);
  });
});

// Hand-written posts meant to give triage's every kind of reason line.
const brand: BrandConfig = { id: 'acme', name: 'Acme Air', keywords: ['Acme'], handles: ['@acmeair'], hashtags: [] };
const POSTS = [
  '@acmeair you lost my bag three days ago, nobody answers and I am still waiting. My lawyer is involved now!!!',
  'Acme charged me twice, I want a refund or I file a chargeback with my bank',
  'Journalist here, on deadline: is it true that Acme grounded its fleet?',
  'Oh great, another two hour delay, thanks Acme, love it',
  'Acme staff were so kind today, thank you!',
  'Acme の荷物が届きません。弁護士に相談します',
  'Acme xqzzy blorp vrrr',
];

describe('stored triage result', () => {
  it('gives back the exact reasons triage wrote, in fewer bytes', () => {
    const history = { priorMentions: 4, recentMentions: 2, priorComplaints: 3, repliesSent: 1 };
    let plain = 0;
    let stored = 0;
    for (const [i, text] of POSTS.entries()) {
      const m = { ...asMention(text, i, brand.id), rating: i === 1 ? 1 : null };
      m.author = { ...m.author, followers: 120_000 };
      m.engagement = { replies: 3, reposts: 12, likes: 40 };
      const t = score(m, { brand, author: history });
      expect(decodeTriage(encodeTriage(t))).toEqual(t);
      plain += Buffer.byteLength(JSON.stringify(t.reasons));
      expect(decodeTriage(encodeTriageJson(t))).toEqual(t);
      const row = JSON.parse(encodeTriageJson(t)) as unknown[];
      stored += Buffer.byteLength(JSON.stringify(row[10]));
    }
    // Bytes as PostgreSQL stores them (UTF-8: a fragment is three).
    expect(stored).toBeLessThan(plain * 0.5);
  });

  it('keeps a reason verbatim when it holds a character of the fragment range', () => {
    const odd = { ...triage, reasons: ['words "\ue001\ue000"', '\ue000complaint (97% likely)', 'complaint (97% likely)'] };
    expect(decodeTriage(encodeTriage(odd))).toEqual(odd);
    expect(decodeTriage(encodeTriageJson(odd))).toEqual(odd);
  });

  it('reads rows of the earlier array form, whose reasons are plain text', () => {
    const v1 = JSON.stringify(['positive', 0.8, 0.9, 1, 0, 0.1, 'praise', 0, 'en', 5, ['complaint (10% likely)'], 0.02]);
    expect(decodeTriage(v1)).toMatchObject({ sentiment: 'positive', category: 'praise', reasons: ['complaint (10% likely)'], irony: 0.02 });
  });

  it('keeps the language where SQL reads it, and names a value the frozen lists lack', () => {
    const row = JSON.parse(encodeTriageJson(triage)) as unknown[];
    expect(row[8]).toBe('und');
    // Version 3: the 9th field after the mark (split_part in migrate-from-redis-sql.ts).
    expect(encodeTriage(triage).slice(1).split('\x1e')[8]).toBe('und');
    const unknown = { ...triage, category: 'new_category' as TriageResult['category'], sentiment: 'mixed' as TriageResult['sentiment'] };
    expect(decodeTriage(encodeTriage(unknown))).toMatchObject({ category: 'new_category', sentiment: 'mixed' });
    expect(decodeTriage(encodeTriageJson(unknown))).toMatchObject({ category: 'new_category', sentiment: 'mixed' });
  });

  it('writes version 3 without JSON in fewer bytes than version 2, and falls back to version 2 for control characters', () => {
    const forms = [
      triage,
      { ...triage, irony: 0.82, sentimentScored: true, question: true, complaint: false },
      { ...triage, reasons: [] },
      { ...triage, reasons: ['words "a", "b"', 'tab\tinside'] },
      { ...triage, reasons: [''] },
      { ...triage, reasons: ['line\x1eseparator'] },
      { ...triage, language: 'e\x1fn' },
    ];
    for (const t of forms) expect(decodeTriage(encodeTriage(t))).toEqual(t);
    expect(encodeTriage(triage).startsWith('\x1d')).toBe(true);
    expect(Buffer.byteLength(encodeTriage(triage))).toBeLessThan(Buffer.byteLength(encodeTriageJson(triage)) - 8);
    for (const t of forms.slice(3)) expect(encodeTriage(t).startsWith('[')).toBe(true);
  });
});

function columns(m: Mention, rest: string): MentionColumns {
  return {
    id: m.id,
    platform: m.platform,
    native_id: m.nativeId,
    source_id: m.sourceId,
    brand_id: m.brandId,
    author_id: m.author.id,
    created_at: Date.parse(m.createdAt),
    lang: m.lang,
    text: m.text,
    rest,
    // What the join with the author's row (MENTION_FROM) gives.
    author_name: m.author.name,
    author_followers: m.author.followers,
    author_url: m.author.url,
  };
}

const status: Mention = {
  ...mention,
  nativeId: 'https://example.social/users/ann/statuses/113456789012345678',
  url: 'https://example.social/@ann/113456789012345678',
  author: { id: '109876', handle: 'ann@example.social', name: 'Ann', followers: 12, url: 'https://example.social/@ann' },
  replyRef: { statusId: '113456789012345678', acct: 'ann@example.social' },
};

describe('stored mention row (PostgreSQL)', () => {
  it('round-trips a post whose link and reply reference repeat its ids, in far fewer bytes', () => {
    const rest = encodeRest(status);
    expect(mentionFromRow(columns(status, rest))).toEqual(status);
    expect(restUrl(columns(status, rest))).toBe(status.url);
    expect(Buffer.byteLength(rest)).toBeLessThan(Buffer.byteLength(JSON.stringify([status.url, status.replyRef])));
  });

  it('round-trips posts with no repeats, short ids, nulls and an offset time', () => {
    const plain: Mention = { ...mention, createdAt: '2026-11-24T07:43:05+01:00', url: null, replyRef: {} };
    for (const m of [mention, plain]) expect(mentionFromRow(columns(m, encodeRest(m)))).toEqual(m);
  });

  it('keeps strings verbatim when they hold a character of the token range', () => {
    const odd: Mention = {
      ...status,
      url: 'https://example.social/@ann/\ue001\ue000',
      author: { ...status.author, handle: '\ue002ann' },
      replyRef: { statusId: '\ue003', acct: 'ann@example.social' },
    };
    expect(mentionFromRow(columns(odd, encodeRest(odd)))).toEqual(odd);
  });

  it('reads the profile from the author row, and makes do with the handle when there is none', () => {
    const rest = encodeRest(status);
    expect(rest).not.toContain(status.author.url);
    const orphan = { ...columns(status, rest), author_name: null, author_followers: null, author_url: null };
    expect(mentionFromRow(orphan).author).toEqual({
      id: '109876',
      handle: 'ann@example.social',
      name: 'ann@example.social',
      followers: null,
      url: null,
    });
  });

  it("keeps the post's own profile when asked (a copy of an older store), whatever the author row says now", () => {
    const now = { ...columns(status, encodeRest(status, true)), author_name: 'Ann B.', author_followers: 99, author_url: null };
    expect(mentionFromRow(now)).toEqual(status);
  });

  it('writes repeats as stored rows have them: earliest first, the longest at one place, regex characters as text', () => {
    // Exact strings: rows on disk depend on them (the encoder once built a RegExp per post).
    const m: Mention = {
      ...status,
      nativeId: 'https://a.example/users/bob/statuses/1234567',
      url: 'https://a.example/@bob/1234567',
      author: { id: 'bob.x+1', handle: 'bob.x+1', name: 'Bob', followers: 1, url: null },
      replyRef: {
        a: '12345671234567',
        b: 'https://a.example/users/bob/statuses/1234567/1234567',
        c: 'xbob.x+1bob.x+1y',
        e: '1234https://a.exampl',
      },
    };
    // Version 2 (still written for copies of an older store: the profile kept) and version 3 (rest-v3.ts).
    const rest = JSON.parse(encodeRest(m, true)) as unknown[];
    expect(rest[1]).toBe('\ue003/@bob/\ue002');
    expect(rest[6]).toEqual({ a: '\ue002\ue002', b: '\ue001/\ue002', c: 'x\ue005\ue005y', e: '1234https://a.exampl' });
    expect(mentionFromRow(columns(m, encodeRest(m)))).toEqual(m);
    expect(encodeRest(m).split('\x1e')[5]).toBe('a\x1f\x02\x02\x1fb\x1f\x01/\x02\x1fc\x1fx\x05\x05y\x1fe\x1f1234https://a.exampl');
    const short: Mention = {
      ...m,
      nativeId: 'tag:x/abcd',
      url: 'abcdabcabcd tag:x/abcd',
      author: { ...m.author, id: 'abc', handle: 'zz' },
      replyRef: {},
    };
    expect((JSON.parse(encodeRest(short, true)) as unknown[])[1]).toBe('\ue002abc\ue002 \ue001');
    expect(encodeRest(short).split('\x1e')[0]).toBe('\x1d\x02\x05\x02 \x01');
  });

  it('reads rows of the earlier form, written before the repeats were left out', () => {
    const a = status.author;
    const v1 = JSON.stringify([status.url, [a.handle, a.name, a.followers, a.url], status.inReplyToId, [1, 2, 3], 4, status.replyRef]);
    expect(mentionFromRow(columns(status, v1))).toEqual(status);
    expect(restUrl(columns(status, v1))).toBe(status.url);
  });
});
