import { describe, expect, it } from 'vitest';
import { NO_HISTORY } from '../src/drafts/composer.js';
import type { AuthorHistory } from '../src/store/drafts.js';
import { asksFor, asksForGiven, extractSlots, postFacts, saidSent } from '../src/drafts/slots.js';
import { draftReply } from '../src/playbook/draft.js';
import type { Category, TriageResult } from '../src/triage-types.js';
import { ACME, demoPlaybook, post, triaged } from './helpers/demo-playbook.js';

const playbook = demoPlaybook();

function draftFor(
  text: string,
  category: Category,
  o: { triage?: Partial<TriageResult>; history?: AuthorHistory; name?: string; inReplyTo?: string } = {},
) {
  const mention = post(text, { ...(o.name !== undefined ? { name: o.name } : {}), inReplyTo: o.inReplyTo ?? null });
  return draftReply({ mention, triage: triaged(category, o.triage), brand: ACME, playbook, history: o.history ?? NO_HISTORY });
}

describe('the composer drafts for the situation, not only the category', () => {
  it('a broken stroller gets a damaged-item reply and its question answered, not a lost-bag one', () => {
    const d = draftFor(
      'my stroller came off the belt with a snapped wheel. @AcmeAir who do I talk to about damaged items?',
      'lost_damaged_item',
      { triage: { question: true } },
    );
    expect(d.template).toBe('composer');
    expect(d.text).toMatch(/stroller was damaged/);
    expect(d.text).toMatch(/You can talk to us right here/);
    expect(d.text).not.toMatch(/hasn't (?:turned up|reached you)/);
    expect(d.used).toContain('topic: damaged_item');
  });

  it('an annoyed question about a fee is not "good question!"; it gets the careful opening and the fee answered', () => {
    const d = draftFor('Acme Air wants 60 for a seat next to my 4 year old. Seriously?', 'staff_service', { triage: { question: true } });
    expect(d.text).not.toMatch(/good question/i);
    expect(d.text).toMatch(/fair reaction/);
    expect(d.text).toMatch(/seated next to an adult/);
    expect(d.used).toContain('careful (sarcasm or annoyed question)');
  });

  it('irony from triage alone also gets the careful opening', () => {
    const d = draftFor('Great, another delay on AA501. Love it.', 'delay_cancellation', { triage: { irony: 0.8 } });
    expect(d.text).toMatch(/fair reaction/);
    expect(d.text).not.toMatch(/glad|great to hear/i);
  });

  it('a reporter gets the press holding line, never "DM us"', () => {
    const d = draftFor(
      "I'm a reporter at the Daily Ledger. @AcmeAir could your press office reach me for comment before Friday?",
      'safety_legal_press',
      { name: 'Lee Okafor (Daily Ledger)' },
    );
    expect(d.text).toMatch(/^Hi Lee, thank you for getting in touch\. Our press office/);
    expect(asksFor(d.text).size).toBe(0);
    expect(d.used).toEqual(['escalation: press']);
  });

  it('a lawyer and a safety report get holding replies that ask for nothing', () => {
    const legal = draftFor('You lost my suitcase on AA212. My lawyer is drafting a letter today.', 'lost_damaged_item');
    expect(legal.used).toEqual(['escalation: legal']);
    expect(legal.text).toMatch(/suitcase from AA212/);
    const safety = draftFor('The emergency exit row on AA118 had a loose panel.', 'other');
    expect(safety.used).toEqual(['escalation: safety']);
    expect(safety.text).toMatch(/safety team with the details of AA118/);
    for (const d of [legal, safety]) expect(asksFor(d.text).size).toBe(0);
  });

  it('the 19th-day refund chaser who sent the reference by DM is not asked for it again, and hears it is the third time', () => {
    const history: AuthorHistory = {
      priorMentions: 2,
      recentMentions: 2,
      repliesSent: 0,
      recentTexts: [
        '@AcmeAir I sent the booking reference by DM yesterday. Nobody has answered.',
        '@AcmeAir third time asking: where is the refund for my cancelled flight on Nov 2?',
      ],
    };
    const text = "@AcmeAir day 19. Still waiting. If I don't hear back by Monday I'm filing a chargeback with my bank.";
    const d = draftFor(text, 'billing_refund', { history, name: 'Kofi', inReplyTo: 'demo-013' });
    expect(d.text).toMatch(/third time you've asked, and that's on us/);
    expect(d.text).toMatch(/no need to send it again/);
    expect(d.text).not.toMatch(/DM us your booking reference/);
    expect(asksForGiven(d.text, postFacts(text, history.recentTexts))).toBe(false);
    expect(d.used).toContain('already given: booking');
  });

  it('without the DM the same post is asked for the booking reference', () => {
    const d = draftFor('@AcmeAir where is the refund for my cancelled flight on Nov 2? It has been 18 days.', 'billing_refund', {
      name: 'Kofi',
    });
    expect(d.text).toMatch(/DM us your booking reference/);
    expect(d.text).toMatch(/refund for the Nov 2 flight/);
  });

  it('an earlier post about something else is not a repeat contact', () => {
    const history: AuthorHistory = {
      priorMentions: 1,
      recentMentions: 1,
      repliesSent: 0,
      recentTexts: ['my stroller came off the belt with a snapped wheel'],
    };
    const d = draftFor('Acme Air wants 60 for a seat next to my 4 year old. Seriously?', 'staff_service', { history });
    expect(d.text).not.toMatch(/second time/);
  });

  it('counts repeat contact from history when the post chases the same thing', () => {
    const history: AuthorHistory = {
      priorMentions: 1,
      recentMentions: 1,
      repliesSent: 0,
      recentTexts: ['@AcmeAir charged me twice for the same seat upgrade.'],
    };
    const d = draftFor('Still no reply about the double charge. Day three. @AcmeAir', 'staff_service', { history, name: 'Marco' });
    expect(d.text).toMatch(/^Hi Marco, I can see this is the second time you've asked/);
    expect(d.text).toMatch(/double charge/);
  });

  it('praise is thanked; a plain question gets its answer first', () => {
    expect(
      draftFor('Smooth flight, friendly crew. Well done @AcmeAir!', 'praise', { triage: { sentiment: 'positive', complaint: false } }).used,
    ).toEqual(['thanks']);
    const q = draftFor('Is the Acme Air lounge in Terminal 2 open before 6am?', 'question', {
      triage: { sentiment: 'neutral', complaint: false, question: true },
    });
    expect(q.text).toMatch(/^Hi Raj, yes: the Terminal 2 lounge opens at 05:00/);
  });

  it('a question the playbook cannot answer gets a plain next step, not a guess', () => {
    const d = draftFor('Do you fly to Reykjavik in winter?', 'question', {
      triage: { sentiment: 'neutral', complaint: false, question: true },
    });
    expect(d.text).toMatch(/I don't want to guess/);
    expect(d.text).not.toMatch(/good question/i);
  });

  it('greets by first name, or "Hi there" without one, and signs with the playbook signature', () => {
    expect(draftFor('Flight AA501 delayed again.', 'delay_cancellation', { name: '' }).text).toMatch(
      /^Hi there, I'm sorry about the delay to AA501/,
    );
    expect(draftFor('Flight AA501 delayed again.', 'delay_cancellation', { name: 'Zoe Q' }).text).toMatch(
      /^Hi Zoe,[^]*\n— Sam, Acme Air Care$/,
    );
  });
});

describe('languages', () => {
  it('writes in Spanish, German and French where the playbook has snippets', () => {
    const es = draftFor('Llevo tres horas esperando en el aeropuerto de Madrid y nadie nos da información.', 'staff_service', {
      triage: { language: 'es' },
      name: 'Elena',
    });
    expect(es.text).toMatch(/^Hola Elena, sentimos mucho la espera en Madrid/);
    expect(es.text).toMatch(/Atención al cliente/);
    expect(es.language).toBe('es');
    expect(es.warnings).toEqual([]);
    const de = draftFor(
      'Mein Koffer ist seit zwei Tagen verschwunden. Ich habe schon mit meinem Anwalt gesprochen.',
      'safety_legal_press',
      { triage: { language: 'de' }, name: 'Lukas' },
    );
    expect(de.text).toMatch(/^Hallo Lukas, es tut uns sehr leid/);
    expect(de.warnings).toEqual([]);
    const fr = draftFor('Mon vol est en retard de trois heures, personne ne nous dit rien.', 'delay_cancellation', {
      triage: { language: 'fr' },
      name: 'Chloé',
    });
    expect(fr.text).toMatch(/^Bonjour Chloé, nous sommes désolés pour ce retard/);
  });

  it("says so when it cannot write in the post's language", () => {
    const it = draftFor('Il mio volo è stato cancellato e nessuno risponde.', 'delay_cancellation', { triage: { language: 'it' } });
    expect(it.language).toBe('en');
    expect(it.warnings).toContain('written in English: the post is in Italian and the playbook has no Italian snippets');
  });
});

describe('slots and details already given', () => {
  it('reads flight, booking, order, dates, waits and amounts from the post', () => {
    expect(extractSlots('Flight AA212 from Lisbon on Nov 2, booking ref X7K2PQ, it has been 18 days')).toMatchObject({
      flight: 'AA212',
      booking: 'X7K2PQ',
      date: 'Nov 2',
      place: 'Lisbon',
    });
    expect(extractSlots('order #1234567 never came, waited 3 weeks').order).toBe('1234567');
    expect(extractSlots('day 19. Still waiting').waited).toBe('19 days');
    expect(extractSlots('they want €60 for a seat').amount).toBe('€60');
  });

  it('knows what the person says they sent, here or in an earlier post', () => {
    expect([...saidSent(['I sent the booking reference by DM yesterday'])]).toContain('booking');
    expect([...saidSent(['I already DMed you'])]).toContain('details');
    expect(saidSent(['I sent my mum a postcard']).has('booking')).toBe(false);
    expect(postFacts('My booking is ABC12D', []).given.has('booking')).toBe(true);
  });

  it('finds what a reply asks for', () => {
    expect([...asksFor('Please DM us your booking reference')]).toEqual(expect.arrayContaining(['booking', 'details']));
    expect(asksFor('Thank you so much, we will pass it on.').size).toBe(0);
  });
});
