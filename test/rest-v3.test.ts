import { describe, expect, it } from 'vitest';
import type { Mention } from '../src/mention.js';
import { encodeRest, mentionFromRow, restUrl, type MentionColumns } from '../src/store/rest-codec.js';
import { encodeNativeId } from '../src/store/native-id-codec.js';

/** Version 3 of a mentions row's `rest` (rest-v3.ts): fewer bytes, the same post read back. */
const status: Mention = {
  id: 'm_abcdefghijklmnopqrstuv',
  platform: 'mastodon',
  sourceId: 'masto',
  brandId: 'acme',
  nativeId: 'https://example.social/users/ann/statuses/113456789012345678',
  url: 'https://example.social/@ann/113456789012345678',
  text: 'my bag is lost',
  lang: 'en',
  createdAt: '2026-11-24T06:43:05.888Z',
  author: { id: '109876', handle: 'ann@example.social', name: 'Ann', followers: 12, url: 'https://example.social/@ann' },
  inReplyToId: null,
  engagement: { replies: 1, reposts: 0, likes: 2 },
  rating: null,
  replyRef: { statusId: '113456789012345678', acct: 'ann@example.social' },
};

function columns(m: Mention, rest: string): MentionColumns {
  return {
    id: m.id,
    platform: m.platform,
    native_id: encodeNativeId(m.nativeId),
    source_id: m.sourceId,
    brand_id: m.brandId,
    author_id: m.author.id,
    created_at: Date.parse(m.createdAt),
    lang: m.lang,
    text: m.text,
    rest,
    author_name: m.author.name,
    author_followers: m.author.followers,
    author_url: m.author.url,
  };
}

const roundTrip = (m: Mention) => mentionFromRow(columns(m, encodeRest(m)));

describe('rest, version 3', () => {
  it('keeps a Mastodon status in under 60% of the bytes of version 2, and reads it back', () => {
    const v3 = encodeRest(status);
    expect(v3.startsWith('\x1d')).toBe(true);
    expect(roundTrip(status)).toEqual(status);
    expect(restUrl(columns(status, v3))).toBe(status.url);
    // Version 2 of the same post: the handle, the repeats as three-byte characters, JSON around them.
    const v2 = JSON.stringify([
      2,
      '\ue003/@ann/\ue002',
      status.author.handle,
      null,
      [1, 0, 2],
      null,
      { statusId: '\ue002', acct: '\ue004' },
    ]);
    expect(mentionFromRow(columns(status, v2))).toEqual(status);
    expect(Buffer.byteLength(v3)).toBeLessThan(Buffer.byteLength(v2) * 0.6);
  });

  it('reads back nulls, empty strings, ratings, replies, unknown reply keys and the platform time spelling', () => {
    const posts: Mention[] = [
      { ...status, url: null, replyRef: {} },
      { ...status, url: '', inReplyToId: '', replyRef: { '': '' } },
      { ...status, inReplyToId: '113456789012345000', rating: 4.5, engagement: { replies: 0, reposts: 12345, likes: 7 } },
      { ...status, createdAt: '2026-11-24T07:43:05+01:00' },
      { ...status, replyRef: { reviewId: 'r1', packageName: 'com.acme', someNewKey: 'x', rootCid: 'c' } },
      { ...status, platform: 'hackernews', nativeId: '4242', url: 'https://news.ycombinator.com/item?id=4242', replyRef: {} },
      { ...status, author: { ...status.author, handle: '' }, text: 'ünïcode 😡 "quoted" \\' },
      { ...status, url: 'https://example.social/@ann/\ue001\ue000', replyRef: { statusId: '\ue003', acct: 'x' } },
    ];
    for (const m of posts) expect(roundTrip(m)).toEqual(m);
  });

  it('writes version 2 for a post whose strings hold a control character, and reads it back', () => {
    const odd: Mention[] = [
      { ...status, url: 'https://example.social/@ann/\x01' },
      { ...status, author: { ...status.author, handle: 'ann\x1e' } },
      { ...status, replyRef: { 'key\x1b': 'v' } },
      { ...status, inReplyToId: '\x1c' },
    ];
    for (const m of odd) {
      expect(encodeRest(m).startsWith('[')).toBe(true);
      expect(roundTrip(m)).toEqual(m);
    }
  });
});
