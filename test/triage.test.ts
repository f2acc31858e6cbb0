import { describe, it, expect } from 'vitest';
import { triage } from '../src/triage/index.js';
import { DENSE_FEATURES } from '../src/triage/features.js';
import { readPost } from '../src/triage/signals.js';
import type { TriageContext } from '../src/triage-types.js';
import type { Mention } from '../src/mention.js';
import type { BrandConfig } from '../src/config/schema.js';
import { parseCsv, readCsvObjects } from '../src/text/csv.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTriage } from '../src/cli/triage-cmd.js';
import { parseCli } from '../src/cli/args.js';

const acme: BrandConfig = { id: 'acme', name: 'Acme Air', keywords: ['acmeair'], handles: ['@AcmeAir'], hashtags: ['#acmeair'] };
const noHistory: TriageContext['author'] = { priorMentions: 0, recentMentions: 0, priorComplaints: 0, repliesSent: 0 };

type MentionPatch = Partial<Omit<Mention, 'author' | 'engagement'>> & {
  author?: Partial<Mention['author']>;
  engagement?: Partial<Mention['engagement']>;
};

function post(text: string, patch: MentionPatch = {}): Mention {
  const { author, engagement, ...rest } = patch;
  return {
    id: 'm_AAAAAAAAAAAAAAAAAAAAAA',
    platform: 'mastodon',
    sourceId: 'test',
    brandId: 'acme',
    nativeId: '1',
    url: null,
    text,
    lang: null,
    createdAt: '2026-11-20T08:00:00Z',
    inReplyToId: null,
    rating: null,
    replyRef: {},
    ...rest,
    author: { id: 'u1', handle: 'kim@example.social', name: 'Kim', followers: null, url: null, ...author },
    engagement: { replies: 0, reposts: 0, likes: 0, ...engagement },
  };
}

function run(text: string, patch: MentionPatch = {}, ctx: Partial<TriageContext> = {}) {
  return triage(post(text, patch), { brand: acme, author: noHistory, ...ctx });
}

describe('triage: complaints without negative words', () => {
  it.each([
    'Still waiting for my bag since Tuesday.',
    'Been on hold for 2 hours just to change a seat.',
    'Nobody answers the phone at the Acme Air call centre.',
    'My refund from March never arrived @AcmeAir',
  ])('reads "%s" as a negative complaint', (text) => {
    const r = run(text);
    expect(r.sentiment).toBe('negative');
    expect(r.score).toBeLessThan(0);
    expect(r.complaint).toBe(true);
    expect(r.complaintProbability).toBeGreaterThanOrEqual(0.5);
    expect(r.sentimentConfidence).toBeGreaterThan(0);
    expect(r.sentimentConfidence).toBeLessThanOrEqual(1);
  });

  it('treats a plain question as neutral, not a complaint', () => {
    const r = run('How do I add a second bag to my booking?');
    expect(r.sentiment).toBe('neutral');
    expect(r.complaint).toBe(false);
    expect(r.question).toBe(true);
    expect(r.category).toBe('question');
  });
});

describe('triage: praise and masking', () => {
  it('reads praise as positive', () => {
    const r = run('The crew on my flight to Porto were wonderful, thank you!');
    expect(r.sentiment).toBe('positive');
    expect(r.complaint).toBe(false);
    expect(r.category).toBe('praise');
    expect(r.urgency).toBeLessThan(15);
  });

  it('does not let a brand name like "Lovely Airlines" make a post positive', () => {
    const lovely: BrandConfig = { id: 'lovely', name: 'Lovely Airlines', keywords: [], handles: ['@lovelyair'], hashtags: [] };
    const text = 'Flew Lovely Airlines to Oslo this morning.';
    const masked = triage(post(text), { brand: lovely, author: noHistory });
    expect(masked.sentiment).toBe('neutral');
    // The same words read for another brand keep "Lovely", which the lexicon calls praise. (Not
    // the sentiment itself: praise beside a flight is close to where the irony head reads sarcasm.)
    const praise = (brand: BrandConfig) => readPost(text, brand).features.val[DENSE_FEATURES.indexOf('lexicon positive')];
    expect(praise(lovely)).toBe(0);
    expect(praise(acme)).toBeGreaterThan(0);
  });

  it('masks handles and links so they do not count as words', () => {
    const r = run('@AcmeAir @lovely.bsky.example https://great.example/awesome-deals flight AC12 lands at 9');
    expect(r.sentiment).toBe('neutral');
  });
});

describe('triage: urgency and reasons', () => {
  const base = 'You lost my suitcase on the Lisbon flight.';

  it('gives reasons, most important first', () => {
    const r = run(`${base} My lawyer will be in touch.`, { author: { followers: 48_000 } });
    expect(r.reasons).toContain('mentions a lawyer');
    expect(r.reasons).toContain('author has 48k followers');
    expect(r.reasons.some((reason) => /^complaint \(\d+% likely\)$/.test(reason))).toBe(true);
    expect(r.reasons.indexOf('mentions a lawyer')).toBeLessThan(r.reasons.indexOf('author has 48k followers'));
    expect(Number.isInteger(r.urgency)).toBe(true);
    expect(r.urgency).toBeGreaterThanOrEqual(0);
    expect(r.urgency).toBeLessThanOrEqual(100);
  });

  it('raises urgency for risk words', () => {
    const plain = run('My flight was moved to tomorrow.');
    const risky = run('My flight was moved to tomorrow. I am talking to a lawyer and I will sue.');
    expect(risky.urgency - plain.urgency).toBeGreaterThanOrEqual(20);
    expect(risky.reasons[0]).toBe('mentions a lawyer');
    const safety = run('There was smoke in the cabin and nobody told us anything.');
    expect(safety.reasons[0]).toBe('safety concern');
    expect(safety.category).toBe('safety_legal_press');
  });

  it('raises urgency with the author reach, and ignores unknown reach', () => {
    const unknown = run(base);
    const big = run(base, { author: { followers: 250_000 } });
    expect(big.urgency).toBeGreaterThan(unknown.urgency + 10);
    expect(big.reasons).toContain('author has 250k followers');
    expect(unknown.reasons.some((reason) => reason.includes('followers'))).toBe(false);
  });

  it('raises urgency on repeat contact', () => {
    const first = run(base);
    const third = run(base, {}, { author: { ...noHistory, priorMentions: 2, recentMentions: 2, priorComplaints: 2 } });
    expect(third.urgency).toBeGreaterThan(first.urgency);
    expect(third.reasons).toContain('3rd contact this week');
    expect(third.reasons).toContain('2 earlier complaints from this author');
  });

  it('counts engagement, a low star rating and shouting', () => {
    const quiet = run('The seat did not recline for the whole flight.');
    const loud = run('THE SEAT DID NOT RECLINE FOR THE WHOLE FLIGHT!!!', {
      rating: 1,
      engagement: { reposts: 40, likes: 300 },
    });
    expect(loud.urgency).toBeGreaterThan(quiet.urgency + 20);
    expect(loud.reasons).toContain('1-star review');
    expect(loud.reasons).toContain('written in capitals / !!!');
    expect(loud.reasons.some((reason) => reason.startsWith('getting attention:'))).toBe(true);
  });

  it('keeps urgency within 0-100 when everything piles up', () => {
    const r = run(
      'YOU LOST MY BAG AGAIN!!! My lawyer, a reporter and the police will hear about this unsafe airline!!!',
      {
        rating: 1,
        author: { followers: 5_000_000 },
        engagement: { replies: 900, reposts: 5000, likes: 20000 },
      },
      { author: { priorMentions: 9, recentMentions: 9, priorComplaints: 9, repliesSent: 0 } },
    );
    expect(r.urgency).toBe(100);
  });
});

describe('triage: explanations', () => {
  it('says what made it a complaint, right after the complaint line', () => {
    const r = run('Been on hold for two hours and still no answer about my lost bag.');
    const at = r.reasons.findIndex((reason) => /^complaint \(\d+% likely\)$/.test(reason));
    expect(at).toBeGreaterThanOrEqual(0);
    const because = r.reasons[at + 1] ?? '';
    expect(because).toMatch(/^complaint signs: /);
    expect(because).toContain('time lost waiting');
  });

  it('gives no complaint signs for praise', () => {
    expect(run('Lovely crew and a smooth flight, thank you!').reasons.some((reason) => reason.startsWith('complaint signs'))).toBe(false);
  });
});

describe('triage: language', () => {
  it('does not score sentiment for a language it has no model for, but still sees risk words', () => {
    const plain = run('Mijn vlucht is geannuleerd en niemand helpt ons op het vliegveld.');
    expect(plain.language).toBe('nl');
    expect(plain.sentiment).toBe('neutral');
    expect(plain.sentimentConfidence).toBeLessThan(0.5);
    expect(plain.reasons).toContain('language Dutch (nl): not scored');
    expect(plain.sentimentScored).toBe(false);
    expect(run('My bag is lost').sentimentScored).toBe(true);

    const lawyer = run('Mijn vlucht is geannuleerd en mijn advocaat neemt contact op.');
    expect(lawyer.sentiment).not.toBe('negative');
    expect(lawyer.reasons).toContain('mentions a lawyer');
    expect(lawyer.urgency).toBeGreaterThan(plain.urgency + 20);
  });

  it('scores the languages it has a model for', () => {
    const r = run('Llevo dos días sin mi maleta y ya hablé con mi abogado.');
    expect(r.language).toBe('es');
    expect(r.sentimentScored).toBe(true);
    expect(r.reasons).toContain('mentions a lawyer');
  });

  it('names a script it cannot read', () => {
    const r = run('空港で荷物がなくなりました。どうすればいいですか');
    expect(r.language).toBe('ja');
    expect(r.sentimentScored).toBe(false);
  });

  it('trusts a declared language', () => {
    const r = run('Je suis très content du vol, merci!', { lang: 'fr-FR' });
    expect(r.language).toBe('fr');
    expect(r.sentimentScored).toBe(true);
  });

  it('reads terse English as English', () => {
    expect(run('RUDE staff. Awful service.').language).toBe('en');
    expect(run('Great crew, smooth flight').language).toBe('en');
  });
});

describe('triage: category and question', () => {
  it.each([
    ['Flight AC12 to Oslo is delayed again, third time this month.', 'delay_cancellation'],
    ['My suitcase arrived with a smashed wheel and a torn handle.', 'lost_damaged_item'],
    ['I was charged twice for the same ticket.', 'billing_refund'],
    ['The flight attendant was rude and unhelpful when I asked for water.', 'staff_service'],
    ['The Acme Air website is down and the app keeps crashing.', 'product_defect_outage'],
    ["I can't log in, it says my password is wrong.", 'account_login'],
    ['I am a journalist at the Harbour Gazette, could Acme Air give me a comment for a story?', 'safety_legal_press'],
    ['Does Acme Air fly to Reykjavik in winter?', 'question'],
    ['Acme Air announces a new route to Lisbon.', 'other'],
  ])('"%s" → %s', (text, category) => {
    expect(run(text).category).toBe(category);
  });

  it('prefers the specific lost-bag category over a general delay', () => {
    expect(run('My flight was delayed and now my bag is missing.').category).toBe('lost_damaged_item');
  });

  it('detects questions by the question mark or the opening word, not by masked brand names', () => {
    expect(run('Where can I find my booking reference').question).toBe(true);
    expect(run('@AcmeAir is the lounge open before 6am').question).toBe(true);
    expect(run('Acme Air will add a route to Porto in March.').question).toBe(false);
    expect(run("Can't believe how smooth that landing was.").question).toBe(false);
  });
});

describe('earshot triage (offline scoring)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-triage-'));
  const score = (file: string, ...flags: string[]) => {
    let out = '';
    const counts = runTriage(parseCli(['triage', file, '--config', path.join(dir, 'none.yaml'), ...flags]), (chunk) => (out += chunk));
    return {
      counts,
      lines: out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    };
  };

  it('scores a CSV column, in input order, with every output', () => {
    const file = path.join(dir, 'posts.csv');
    writeFileSync(file, 'id,body\n1,"Lost my bag, still waiting!!"\n2,"Great crew, thanks"\n3,"Is the lounge open?"\n');
    const { lines } = score(file, '--text-column', 'body');
    expect(lines.map((l) => l['id'])).toEqual(['1', '2', '3']);
    expect(lines[0]).toMatchObject({ row: 1, sentiment: 'negative', complaint: true, language: 'en' });
    expect(lines[1]).toMatchObject({ sentiment: 'positive', category: 'praise' });
    for (const key of ['sentimentConfidence', 'complaintProbability', 'irony', 'language', 'category', 'urgency', 'reasons', 'question'])
      expect(lines[2]).toHaveProperty(key);
    expect(() => score(file, '--text-column', 'text')).toThrow(/no column "text".*id, body/);
  });

  it('scores JSONL, reporting bad lines in place', () => {
    const file = path.join(dir, 'posts.jsonl');
    writeFileSync(file, '{"text":"@acme my refund never arrived","author":{"followers":90000}}\nnope\n{"text":"Thanks!"}\n');
    const { counts, lines } = score(file, '--brand', 'acme');
    expect(counts).toEqual({ scored: 2, rejected: 1 });
    expect(lines[1]).toEqual({ row: 2, error: 'not valid JSON' });
    expect(lines[0]?.['reasons']).toContain('author has 90k followers');
  });
});

describe('csv reader', () => {
  it('handles quoted commas, doubled quotes and embedded newlines', () => {
    const text = 'id,text\n1,"hello, world"\n2,"she said ""hi"""\n3,"two\nlines"\r\n4,plain\n';
    expect(parseCsv(text)).toEqual([
      ['id', 'text'],
      ['1', 'hello, world'],
      ['2', 'she said "hi"'],
      ['3', 'two\nlines'],
      ['4', 'plain'],
    ]);
    expect(readCsvObjects(text)[2]).toEqual({ id: '3', text: 'two\nlines' });
  });

  it('keeps empty fields and fills missing cells', () => {
    expect(readCsvObjects('a,b,c\n1,,3\n4\n')).toEqual([
      { a: '1', b: '', c: '3' },
      { a: '4', b: '', c: '' },
    ]);
  });
});
