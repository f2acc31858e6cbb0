import { describe, expect, it } from 'vitest';
import type { BrandConfig } from '../../src/config/schema.js';
import { spikeTerms } from '../../src/alerts/spikes/terms.js';
import { stopwords } from '../../src/alerts/spikes/stopwords.js';

const brand: BrandConfig = { id: 'acme', name: 'Acme Air', keywords: ['acme air'], handles: ['@AcmeAir'], hashtags: ['acmeair'] };

/** Every term of every post, each post counted once: what a storm's explanation can choose from. */
function storm(texts: string[], language: string): Map<string, number> {
  const n = new Map<string, number>();
  for (const t of texts) for (const term of spikeTerms(t, language, brand)) n.set(term, (n.get(term) ?? 0) + 1);
  return n;
}

function top(counts: Map<string, number>, k: number): string[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, k)
    .map(([t]) => t);
}

describe('spike terms', () => {
  it('keeps the topic words and their phrases, without the brand, handles, links or function words', () => {
    const terms = spikeTerms('@AcmeAir my flight AA900 was cancelled again!! See https://x.example/a @jo #AcmeAir', 'en', brand);
    expect(terms).toEqual(expect.arrayContaining(['flight', 'aa900', 'flight aa900', 'canceled', 'see']));
    for (const gone of ['acme', 'air', 'acmeair', 'my', 'was', 'again', 'jo', 'https', 'example']) expect(terms).not.toContain(gone);
  });

  it('never makes a phrase across punctuation or a dropped word, in any language', () => {
    expect(spikeTerms('Gepäck verloren. Koffer weg', 'de', brand)).not.toContain('verloren koffer');
    expect(spikeTerms('Gepäck verloren. Koffer weg', 'de', brand)).toContain('gepäck verloren');
    expect(spikeTerms('vuelo cancelado, equipaje perdido', 'es', brand)).not.toContain('cancelado equipaje');
    // "wifi is down": "is" is dropped, so "wifi down" is not a phrase the post wrote.
    expect(spikeTerms('wifi is down', 'en', brand)).not.toContain('wifi down');
  });

  it('counts a word once per post, and numbers, times and clitics are not topics', () => {
    expect(spikeTerms('outage outage OUTAGE', 'en', brand)).toEqual(['outage']);
    const terms = spikeTerms("we'll wait 3hrs at gate 12 since 5pm, the crew's phone couldn't connect", 'en', brand);
    for (const gone of ['3hrs', '12', '5pm', 'well', 'crews', 'couldnt', 'could']) expect(terms).not.toContain(gone);
    expect(terms).toEqual(expect.arrayContaining(['crew', 'crew phone', 'gate', 'connect']));
  });

  it('one spelling for the same word: "Wi-Fi" and "wifi", "cancelled" and "canceled" add up', () => {
    const n = storm(['Wi-Fi dead on board', 'wifi dead again', 'flight cancelled', 'flight canceled'], 'en');
    expect(n.get('wifi')).toBe(2);
    expect(n.get('wifi dead')).toBe(2);
    expect(n.get('canceled')).toBe(2);
    expect(n.get('flight canceled')).toBe(2);
  });

  const languages: Array<{ language: string; posts: string[]; expect: string[] }> = [
    {
      language: 'de',
      posts: [
        'Die App ist seit heute Morgen kaputt, kein Check-in möglich',
        'Wieder ist die App kaputt und ich kann nicht einchecken',
        'App kaputt! Ich stehe am Schalter und der Check-in geht nicht',
        'Bei mir ist die App auch kaputt',
      ],
      expect: ['app', 'kaputt', 'app kaputt'],
    },
    {
      language: 'es',
      posts: [
        'Mi vuelo cancelado otra vez y nadie responde',
        'Vuelo cancelado sin aviso, qué vergüenza',
        'Tengo el vuelo cancelado y la maleta perdida',
        'Otro vuelo cancelado en Madrid',
      ],
      expect: ['vuelo', 'cancelado', 'vuelo cancelado'],
    },
    {
      language: 'fr',
      posts: [
        "L'avion est en retard de trois heures",
        "Encore un retard pour l'avion de Lyon",
        "Retard de l'avion, personne ne nous informe",
        "L'avion a du retard et c'est la pagaille",
      ],
      expect: ['avion', 'retard'],
    },
    {
      language: 'it',
      posts: [
        "Il volo è in ritardo, dell'aereo nessuna notizia",
        "Ritardo dell'aereo di nuovo",
        "L'aereo è in ritardo da ore",
        'Volo in ritardo e nessuno risponde',
      ],
      expect: ['ritardo', 'aereo'],
    },
  ];

  it.each(languages)('explains a $language storm with its own words, not its function words', ({ language, posts, expect: words }) => {
    const n = storm(posts, language);
    const best = top(n, 4);
    for (const w of words) expect(best).toContain(w);
    const stop = stopwords(language);
    for (const t of n.keys()) for (const w of t.split(' ')) expect(stop.has(w), `${t} has the function word ${w}`).toBe(false);
  });

  it('keeps Arabic and Devanagari words whole, with their marks', () => {
    expect(spikeTerms('تأخير الرحلة مرة أخرى', 'ar', brand)).toEqual(expect.arrayContaining(['تأخير', 'الرحلة', 'تأخير الرحلة']));
    expect(spikeTerms('फ्लाइट रद्द हो गई', 'hi', brand)).toEqual(expect.arrayContaining(['फ्लाइट', 'रद्द', 'फ्लाइट रद्द']));
  });
});
