import { describe, expect, it } from 'vitest';
import type { BrandConfig } from '../src/config/schema.js';
import type { Mention } from '../src/mention.js';
import { decideRoute } from '../src/route/route.js';
import { asMention } from '../src/triage/train/eval/speed.js';
import { triage } from '../src/triage/index.js';
import { identifyLanguage } from '../src/triage/language.js';
import { riskHits } from '../src/triage/risk.js';
import { activeModel } from '../src/triage/model.js';
import { scoreWith } from '../src/triage/train/eval/crossval.js';
import { prepare } from '../src/triage/train/fit.js';
import type { TriageContext } from '../src/triage-types.js';

// Hand-written posts, not dataset rows: what a brand's keyword search brings in from anywhere.
const shop: BrandConfig = { id: 'shop', name: 'Lumen', keywords: ['Lumen'], handles: ['@lumen'], hashtags: [] };
const noHistory: TriageContext['author'] = { priorMentions: 0, recentMentions: 0, priorComplaints: 0, repliesSent: 0 };

function run(text: string, lang: string | null = null) {
  const m: Mention = { ...asMention(text, 1, shop.id), lang };
  return triage(m, { brand: shop, author: noHistory });
}

describe('triage: language routing', () => {
  it.each([
    ['es', 'Llevo tres semanas esperando mi pedido y nadie me contesta, qué vergüenza de servicio'],
    ['pt', 'Estou esperando meu pedido há três semanas e ninguém me responde, que vergonha'],
    ['fr', "J'attends ma commande depuis trois semaines et personne ne me répond, quelle honte"],
    ['de', 'Ich warte seit drei Wochen auf meine Bestellung und niemand antwortet mir, eine Frechheit'],
    ['it', 'Aspetto il mio ordine da tre settimane e nessuno mi risponde, che vergogna'],
    ['ar', 'أنتظر طلبي منذ ثلاثة أسابيع ولا أحد يرد علي، خدمة سيئة جدا'],
    ['hi', 'yaar teen hafte se order ka wait kar raha hoon aur koi jawab nahi de raha, bahut bekar service hai'],
    ['en', 'I have been waiting three weeks for my order and nobody answers me'],
  ])('identifies %s and scores it', (language, text) => {
    const r = run(text);
    expect(r.language).toBe(language);
    expect(r.sentimentScored).toBe(true);
    expect(r.reasons.some((reason) => reason.includes('not scored'))).toBe(false);
  });

  it('sends negative posts in a supported language to the inbox, as it does English ones', () => {
    const negative = [
      'Mi pedido nunca llegó y nadie responde. Pésimo servicio.',
      'Es la tercera vez que me cobran de más, estoy harto.',
      'Meu pedido nunca chegou e ninguém responde. Péssimo atendimento.',
      "Ma commande n'est jamais arrivée et personne ne répond. Service nul.",
      'Mein Paket ist nie angekommen und niemand antwortet. Furchtbarer Service.',
      'Il mio pacco non è mai arrivato e nessuno risponde. Servizio pessimo.',
      'الطلب لم يصل ولا أحد يرد، خدمة سيئة جدا',
      'order abhi tak nahi aaya aur koi reply nahi kar raha, bahut bekar service',
    ];
    const missed = negative.filter((text) => decideRoute(run(text), 60) === 'analytics');
    // English negatives reach the inbox nine times in ten; so should these.
    expect(missed.length, missed.join(' | ')).toBeLessThanOrEqual(1);
  });

  it('says which language it does not score, and still raises urgency for its risk terms', () => {
    const plain = run('Mijn pakket is nog steeds niet aangekomen en niemand reageert op mijn berichten.');
    expect(plain.language).toBe('nl');
    expect(plain.sentimentScored).toBe(false);
    expect(plain.sentiment).toBe('neutral');
    expect(plain.reasons).toContain('language Dutch (nl): not scored');
    const lawyer = run('Mijn pakket is nog steeds niet aangekomen, mijn advocaat neemt contact met jullie op.');
    expect(lawyer.reasons).toContain('mentions a lawyer');
    expect(lawyer.urgency).toBeGreaterThan(plain.urgency + 20);
    expect(run('荷物が届きません。弁護士に相談します。').reasons).toContain('mentions a lawyer');
  });

  it('trusts a platform language tag other than English', () => {
    const r = run('Super Service, danke!', 'de-DE');
    expect(r.language).toBe('de');
    expect(r.sentimentScored).toBe(true);
    expect(run('Dank je wel voor de hulp', 'nl').sentimentScored).toBe(false);
  });

  it('keeps terse and emoji-only English on the English path', () => {
    expect(run('RUDE staff. Awful service.').language).toBe('en');
    expect(run('👍👍').language).toBe('en');
    expect(run('Just watched the game with friends, what a night').language).toBe('en');
  });
});

describe('language identification: Hindi in Latin letters', () => {
  // The Hinglish head's probability is stubbed so these check the rule, not one trained model.
  const identify = (text: string, hinglish: number) => identifyLanguage({ text, declared: null, hinglish: () => hinglish }).language;

  it('overrules ELD when the Hinglish head is sure, even where ELD names a language triage scores', () => {
    // ELD reads this as Spanish.
    const text = 'mera parcel abhi tak nahi aaya hai';
    expect(identify(text, 0.9)).toBe('hi');
    expect(identify(text, 0.6)).not.toBe('hi');
  });

  it('never reads a word with accents or umlauts as Hindi, which is written in plain ASCII', () => {
    expect(identify('Hübsch!', 0.99)).not.toBe('hi');
    expect(identify('Wunderschön, danke!', 0.99)).toBe('de');
  });

  it('keeps a post of known English words and no Hindi marker English, however sure the head is', () => {
    const english = new Set(['great', 'game', 'last', 'night', 'beautiful', 'day', 'mast', 'hun']);
    const withWords = (text: string, hinglish: number) =>
      identifyLanguage({ text, declared: null, hinglish: () => hinglish, englishWord: (w) => english.has(w) }).language;
    expect(identify('great game last night', 0.9), 'without the vocabulary the head decides').toBe('hi');
    expect(withWords('great game last night', 0.9)).toBe('en');
    expect(withWords('Beautiful day', 0.99)).toBe('en');
    // "hun" is a known English word, but also a Hindi marker.
    expect(withWords('mast hun', 0.9)).toBe('hi');
    // One word outside the vocabulary leaves it to the head.
    expect(withWords('great game kal night', 0.9)).toBe('hi');
  });

  it('is identified in the evaluation exactly as triage identifies it', () => {
    const texts = ['great game last night', 'Beautiful day', 'kya hua yaar', 'Mi pedido nunca llegó', 'Wunderschön, danke!'];
    const rows = texts.map((text, i) => ({ key: `k${i}`, text, brand: shop, sentiment: null, complaint: null, weight: 1 }));
    const scored = scoreWith(activeModel(), prepare(rows));
    expect(scored.map((s) => s.identified)).toEqual(texts.map((t) => run(t).language));
  });

  it('reads short English without function words as English and Hinglish as Hindi, with the shipped model and vocabulary', () => {
    for (const text of ['great game last night', 'Beautiful day', 'Lumen shares rose 3% today', 'Awesome!!! Sending now.'])
      expect(run(text).language, text).toBe('en');
    for (const text of ['kya hua yaar', 'flight late again bhai, koi update nahi', 'mera order kab aayega'])
      expect(run(text).language, text).toBe('hi');
  });
});

describe('triage: risk terms in every supported language', () => {
  const cases: Array<[string, string, string]> = [
    ['mentions a lawyer', 'es', 'Ya hablé con mi abogado'],
    ['mentions a lawyer', 'pt', 'Vou falar com meu advogado'],
    ['mentions a lawyer', 'fr', "J'ai contacté mon avocat"],
    ['mentions a lawyer', 'de', 'Mein Anwalt meldet sich'],
    ['mentions a lawyer', 'it', 'Ho chiamato il mio avvocato'],
    ['mentions a lawyer', 'ar', 'سأتصل بمحامي'],
    ['mentions a lawyer', 'hi', 'मैं अपने वकील से बात करूँगा'],
    ['mentions a refund', 'es', 'Quiero un reembolso'],
    ['mentions a refund', 'pt', 'Quero o reembolso'],
    ['mentions a refund', 'fr', 'Je veux un remboursement'],
    ['mentions a refund', 'de', 'Ich will eine Erstattung'],
    ['mentions a refund', 'it', 'Voglio il rimborso'],
    ['mentions a refund', 'ar', 'أريد استرداد المبلغ'],
    ['mentions a refund', 'hi', 'mujhe paise wapas chahiye'],
    ['threatens a chargeback', 'es', 'Voy a pedir un contracargo'],
    ['threatens a chargeback', 'pt', 'Vou pedir o estorno no cartão'],
    ['threatens a chargeback', 'fr', 'Je vais faire opposition auprès de ma banque'],
    ['threatens a chargeback', 'de', 'Ich lasse das zurückbuchen'],
    ['threatens a chargeback', 'it', 'Chiederò il riaddebito alla banca'],
    ['threatens to leave', 'es', 'Voy a cancelar mi cuenta'],
    ['threatens to leave', 'pt', 'Vou cancelar minha conta'],
    ['threatens to leave', 'fr', 'Je vais résilier'],
    ['threatens to leave', 'de', 'Ich werde kündigen'],
    ['threatens to leave', 'it', 'Voglio disdire tutto'],
    ['threatens to leave', 'ar', 'أريد إلغاء حسابي'],
    ['safety concern', 'es', 'Es peligroso'],
    ['safety concern', 'pt', 'Isso é perigoso'],
    ['safety concern', 'fr', "C'est dangereux"],
    ['safety concern', 'de', 'Das ist gefährlich'],
    ['safety concern', 'it', 'È pericoloso'],
    ['safety concern', 'ar', 'هذا خطير'],
    ['safety concern', 'hi', 'यह खतरनाक है'],
    ['press / journalist asking', 'es', 'Soy periodista'],
    ['press / journalist asking', 'pt', 'Sou jornalista'],
    ['press / journalist asking', 'fr', 'Je suis journaliste'],
    ['press / journalist asking', 'de', 'Ich bin Journalistin'],
    ['press / journalist asking', 'it', 'Sono giornalista'],
    ['press / journalist asking', 'ar', 'أنا صحفي'],
    ['press / journalist asking', 'hi', 'मैं पत्रकार हूँ'],
    ['mentions a regulator', 'es', 'Lo reportaré a Profeco'],
    ['mentions a regulator', 'pt', 'Vou reclamar no Procon'],
    ['mentions a regulator', 'fr', 'Je saisis la DGCCRF'],
    ['mentions a regulator', 'de', 'Ich gehe zur Verbraucherzentrale'],
    ['mentions a regulator', 'it', "Scrivo all'Agcom"],
    ['mentions a regulator', 'ar', 'سأشتكي إلى حماية المستهلك'],
    ['mentions a regulator', 'hi', 'consumer court jaunga'],
  ];
  it.each(cases)('%s (%s): "%s"', (reason, _lang, text) => {
    expect(riskHits(text).map((h) => h.reason)).toContain(reason);
  });

  it('does not find risk words inside other words', () => {
    expect(riskHits('The pursued suspect')).toEqual([]);
    expect(riskHits('Kündigungsfrist beträgt einen Monat')).toEqual([]);
  });

  it('raises urgency for a risk term in a scored language like it does in English', () => {
    const plain = run('Mi maleta no ha llegado todavía.');
    const lawyer = run('Mi maleta no ha llegado todavía, mi abogado les escribirá.');
    expect(lawyer.reasons).toContain('mentions a lawyer');
    expect(lawyer.urgency).toBeGreaterThanOrEqual(plain.urgency + 20);
  });
});
