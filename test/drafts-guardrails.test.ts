import { describe, expect, it } from 'vitest';
import { checkReply } from '../src/drafts/guardrails.js';
import { bm25, refill, teamReplies, tokens } from '../src/drafts/retrieval.js';
import { GUARD_CORPUS } from './fixtures/guardrail-corpus.js';
import { obeyingReply } from './fakes/llm-obey.js';
import { ACME, demoPlaybook } from './helpers/demo-playbook.js';
import { nth } from './helpers/present.js';

const playbook = demoPlaybook();

describe('guardrails on the hand-written corpus', () => {
  for (const c of GUARD_CORPUS) {
    const draft = c.draft ?? obeyingReply(c.post);
    const label = `${c.kind}: ${(c.draft ?? c.post).slice(0, 60)}`;
    it(c.expect ? `catches ${label}` : `lets through ${label}`, () => {
      const warnings = checkReply(draft, playbook, { brand: ACME, platform: c.platform ?? 'demo', language: c.postLanguage ?? 'en' });
      if (c.expect === null) expect(warnings).toEqual([]);
      else
        expect(
          warnings.some((w) => w.startsWith(c.expect as string)),
          warnings.join('; '),
        ).toBe(true);
    });
  }
});

describe('guardrail details', () => {
  const check = (text: string, ctx = {}) => checkReply(text, playbook, { brand: ACME, ...ctx });
  it("allows the brand's own handles, the author's handle and subdomains of allowed links", () => {
    expect(
      check('Hi @raj@social.example, see https://help.acmeair.example/bags or ask @AcmeAir', { authorHandle: 'raj@social.example' }),
    ).toEqual([]);
    expect(check('see https://acmeair.example.evil.net/x')).toEqual([
      'links outside the allow-list: acmeair.example.evil.net (playbook.allowLinks)',
    ]);
  });
  it('finds every kind of promise the patterns name, whichever word carries it', () => {
    const refunds = [
      'We will reimburse the hotel.',
      'We refund every cancelled fare.',
      'You will get your money back.',
      'Your refund is approved.',
      'I will refund you today.',
    ];
    const goods = [
      "We'll give you miles for it.",
      'We will offer you a free upgrade.',
      "We'll add points to your account.",
      "You'll receive a gift card.",
      "We'd be happy to offer a goodwill gesture.",
      'We will issue a credit.',
      'You will get a 50 euro voucher.',
      "You'll be given vouchers for lunch.",
      'You are entitled to it.',
      "We'll compensate you.",
      'Compensation has been approved.',
      'We will send you 20 dollars credit.',
    ];
    for (const text of refunds) expect(check(text), text).toContain('promises a refund');
    for (const text of goods) expect(check(text), text).toContain('promises compensation');
  });
  it('a refusal is not a promise; "never your password" is not a request for one', () => {
    expect(check("We can't refund a basic fare, but we won't compensate you less than the rules say.")).toEqual([]);
    expect(check('DM us the email on your account (never your password).')).toEqual([]);
  });
  it('counts the platform limit as posted (X 280) separately from the playbook maximum', () => {
    const text = 'a'.repeat(300);
    expect(check(text, { platform: 'x' }).some((w) => w.startsWith('longer than x allows: 300 of 280 characters as posted'))).toBe(true);
    expect(check(text, { platform: 'mastodon' })).toEqual([]);
  });
  it('does not judge the language of a short reply or of an unrecognised post', () => {
    expect(check('Gracias, Elena!', { language: 'en' })).toEqual([]);
    expect(check('We are so sorry about your flight today, we will check it.', { language: 'und' })).toEqual([]);
  });
});

describe('team retrieval', () => {
  const past = [
    {
      post: 'My stroller arrived with a broken wheel on AA118',
      reply: '@mia Hi Mia, so sorry about the stroller on AA118. Please DM us a photo and we will open a damage claim.',
      name: 'Mia Jones',
      handle: 'mia',
      ref: { id: 'a' },
    },
    {
      post: 'Where is my refund for booking X7K2PQ?',
      reply: 'Hi Kofi, the refund for X7K2PQ is with our refunds team.',
      name: 'Kofi',
      handle: 'kofi',
      ref: { id: 'b' },
    },
    { post: 'The lounge was lovely', reply: 'Thanks Sam!', name: 'Sam', handle: 'sam', ref: { id: 'c' } },
  ];

  it('ranks the most similar answered post first (BM25)', () => {
    const ranked = bm25(
      tokens('my stroller has a snapped wheel'),
      past.map((p) => ({ tokens: tokens(p.post), value: p.ref.id })),
      3,
    );
    expect(ranked[0]?.value).toBe('a');
    expect(ranked.map((r) => r.value)).not.toContain('c');
  });

  it("re-fills the old reply with this person's name and numbers, never the other customer's", () => {
    const [first] = teamReplies('my stroller came off AA212 with a snapped wheel', { name: 'Raj', handle: '@raj' }, past, 2);
    expect(first?.text).toBe('Hi Raj, so sorry about the stroller on AA212. Please DM us a photo and we will open a damage claim.');
    const noNumber = refill({
      reply: nth(past, 1).reply,
      oldPost: nth(past, 1).post,
      oldName: 'Kofi',
      oldHandle: 'kofi',
      post: 'where is my refund?',
      name: '',
      handle: '@x',
    });
    expect(noNumber).toBe('Hi there, the refund for your booking is with our refunds team.');
  });

  it('offers distinct replies only', () => {
    const twins = [nth(past, 0), { ...nth(past, 0), ref: { id: 'd' } }];
    expect(teamReplies('stroller broken wheel', { name: 'Raj', handle: '@raj' }, twins, 2)).toHaveLength(1);
  });
});
