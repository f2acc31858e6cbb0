import { describe, expect, it } from 'vitest';
import { decodeNativeId, encodeNativeId } from '../src/store/native-id-codec.js';

describe('native id codec', () => {
  const ids = [
    'https://mastodon.social/users/Gargron/statuses/109876543210987654',
    'at://did:plc:abc123xyz/app.bsky.feed.post/3kq2abcdef',
    'accounts/123/locations/456/reviews/789',
    '1790000000000123456',
    't3_abcdef',
    'http://old.example/users/x/statuses/1',
    '',
    // Control characters: stored verbatim after the mark.
    'odd\x02id',
    '\x01starts with the mark',
  ];

  it('reads every id back as it was', () => {
    for (const id of ids) expect(decodeNativeId(encodeNativeId(id))).toBe(id);
  });

  it('writes fixed URI parts as one byte each and leaves plain ids alone', () => {
    const uri = 'https://mastodon.social/users/Gargron/statuses/109876543210987654';
    expect(Buffer.byteLength(encodeNativeId(uri))).toBe(uri.length - 'https:///users//statuses/'.length + 3);
    expect(encodeNativeId('1790000000000123456')).toBe('1790000000000123456');
  });

  it('reads ids stored before the codec unchanged', () => {
    for (const id of ids.filter((i) => !/[\x01-\x1f]/u.test(i))) expect(decodeNativeId(id)).toBe(id);
  });
});
