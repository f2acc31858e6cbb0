import { describe, expect, it } from 'vitest';
import type { Mention } from '../src/mention.js';
import { decodeMention, decodeTriage, encodeMention, encodeTriage } from '../src/store/codec.js';
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
