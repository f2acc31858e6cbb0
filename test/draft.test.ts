import { describe, it, expect } from 'vitest';
import { checkDraft, draftReply, sanitizeName } from '../src/playbook/draft.js';
import type { BrandConfig, PlaybookConfig } from '../src/config/schema.js';
import type { Mention } from '../src/mention.js';
import { Playbook } from '../src/config/playbook.js';
import type { Category, TriageResult } from '../src/triage-types.js';

const DEFAULT_PLAYBOOK_EXAMPLE: PlaybookConfig = Playbook.parse({
  signature: '– Sam, {brand} care team',
  templates: {
    default: 'Hi {name}, thanks for getting in touch with {brand}. We are looking into it.',
    lost_damaged_item: 'Hi {name}, sorry your bag has not turned up. Please DM us your file reference so we can trace it.',
    praise: 'Thank you {name}! We will pass this on to the crew.',
    delay_cancellation: 'Hi {handle}, sorry about the disruption. Your booking code is {booking}.',
  },
  neverSay: ['calm down', 'as per our policy', 'unfortunately'],
  maxLength: 280,
});

const brand: BrandConfig = { id: 'acme', name: 'Acme Air', keywords: [], handles: ['@AcmeAir'], hashtags: [] };

function mention(name: string, handle = 'kim@example.social'): Mention {
  return {
    id: 'm_AAAAAAAAAAAAAAAAAAAAAA',
    platform: 'mastodon',
    sourceId: 'test',
    brandId: 'acme',
    nativeId: '1',
    url: null,
    text: 'irrelevant here',
    lang: 'en',
    createdAt: '2026-11-20T08:00:00Z',
    author: { id: 'u1', handle, name, followers: null, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: {},
  };
}

function triageOf(category: Category): TriageResult {
  return {
    sentiment: 'negative',
    score: -0.5,
    sentimentConfidence: 0.8,
    complaint: true,
    complaintProbability: 0.8,
    category,
    question: false,
    language: 'en',
    urgency: 50,
    reasons: [],
  };
}

function draft(category: Category, name = 'Kim Lee', playbook = DEFAULT_PLAYBOOK_EXAMPLE, handle?: string) {
  return draftReply({ mention: mention(name, handle), triage: triageOf(category), brand, playbook });
}

describe('draftReply', () => {
  it('uses the category template and fills name (first name) and brand, with the signature on its own line', () => {
    const d = draft('lost_damaged_item');
    expect(d.template).toBe('lost_damaged_item');
    expect(d.text).toBe(
      'Hi Kim, sorry your bag has not turned up. Please DM us your file reference so we can trace it.\n– Sam, Acme Air care team',
    );
    expect(d.warnings).toEqual([]);
  });

  it('falls back to the default template', () => {
    const d = draft('billing_refund');
    expect(d.template).toBe('default');
    expect(d.text.startsWith('Hi Kim, thanks for getting in touch with Acme Air.')).toBe(true);
  });

  it('uses the handle when the display name is empty, and fills {handle}', () => {
    expect(draft('praise', '   ').text.startsWith('Thank you @kim@example.social!')).toBe(true);
    expect(draft('delay_cancellation').text.startsWith('Hi @kim@example.social, sorry')).toBe(true);
  });

  it('leaves unknown placeholders visible and warns about them', () => {
    const d = draft('delay_cancellation');
    expect(d.text).toContain('{booking}');
    expect(d.warnings).toContain('unknown placeholder {booking}');
  });

  it('omits the signature line when there is none', () => {
    const d = draft('praise', 'Kim', { ...DEFAULT_PLAYBOOK_EXAMPLE, signature: '' });
    expect(d.text).toBe('Thank you Kim! We will pass this on to the crew.');
  });

  it('runs the draft checks on the filled text', () => {
    const playbook = { ...DEFAULT_PLAYBOOK_EXAMPLE, templates: { default: 'Hi {name}, we will refund your ticket today.' } };
    expect(draft('other', 'Kim', playbook).warnings).toContain('promises a refund');
  });
});

describe('sanitizeName', () => {
  it('strips @ so a display name cannot ping anyone', () => {
    const d = draft('praise', '@everyone');
    expect(d.text).not.toContain('@everyone');
    expect(d.text.startsWith('Thank you everyone!')).toBe(true);
  });

  it('removes control and bidi characters and collapses whitespace', () => {
    expect(sanitizeName('\u202eKim\u0007\u200b  Lee')).toBe('Kim');
    expect(sanitizeName('  Ana\n\tMaria ')).toBe('Ana');
    expect(sanitizeName('@@@')).toBe('');
  });

  it('caps the length', () => {
    expect([...sanitizeName('A'.repeat(500))].length).toBeLessThanOrEqual(40);
  });

  it('falls back to the handle when nothing usable is left', () => {
    expect(draft('praise', '@ \u0000 @').text.startsWith('Thank you @kim@example.social!')).toBe(true);
  });
});

describe('checkDraft', () => {
  const pb = DEFAULT_PLAYBOOK_EXAMPLE;

  it('flags never-say phrases case-insensitively and as whole words', () => {
    expect(checkDraft('Please CALM  DOWN, we are on it.', pb)).toContain('never say: "calm down"');
    expect(checkDraft('Unfortunately the flight is full.', pb)).toContain('never say: "unfortunately"');
    expect(checkDraft('The sea was calm downstairs.', pb)).toEqual([]);
  });

  it('flags drafts longer than maxLength and empty drafts', () => {
    expect(checkDraft('x'.repeat(281), pb)).toContain('longer than 280 characters (281)');
    expect(checkDraft('x'.repeat(280), pb)).toEqual([]);
    expect(checkDraft('   ', pb)).toContain('draft is empty');
  });

  it.each([
    'We will refund your ticket within 7 days.',
    "You'll get a refund once the claim is approved.",
    "We'll arrange a full refund for the cancelled leg.",
    'We can reimburse the hotel costs.',
    'Good news: you will receive your money back this week.',
  ])('flags a refund promise: %s', (text) => {
    expect(checkDraft(text, pb)).toContain('promises a refund');
  });

  it.each([
    "We can't refund non-refundable fares, but we can offer a voucher.",
    'You can read our refund policy here.',
    'We will look into our refund options and get back to you.',
  ])('does not flag talk about refunds that promises nothing: %s', (text) => {
    expect(checkDraft(text, pb)).not.toContain('promises a refund');
  });
});
