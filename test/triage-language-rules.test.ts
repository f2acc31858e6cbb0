import { describe, expect, it } from 'vitest';
import type { BrandConfig } from '../src/config/schema.js';
import { eld } from '../src/triage/eld-data.js';
import { identifyLanguage } from '../src/triage/language.js';
import { hinglishProbability, type TriageModel } from '../src/triage/model.js';
import type { TrainingRow } from '../src/triage/train/fit-types.js';
import { fitHinglish } from '../src/triage/train/hinglish.js';

const noHinglish = (text: string) => identifyLanguage({ text, declared: null, hinglish: () => 0 }).language;

describe('language identification: Arabic that ELD reads as Persian', () => {
  // Hand-written: names in Arabic letters are where ELD says Persian.
  const arabic = ['جستن بيبر؟', 'شفت هاري بوتر'];

  it.each(arabic)('reads "%s" as Arabic: Arabic letter forms and none of Persian’s own', (text) => {
    expect(eld.detect(text).language).toBe('fa');
    expect(noHinglish(text)).toBe('ar');
  });

  it('keeps Persian written with Persian letters (ی ک گ پ) Persian', () => {
    const persian = 'من امروز یک کتاب خوب خریدم و خیلی خوشحالم';
    expect(eld.detect(persian).language).toBe('fa');
    expect(noHinglish(persian)).toBe('fa');
  });

  it('reads Arabic typed in presentation forms (ﻣﺮﺣﺒﺎ) as the plain letters they stand for', () => {
    const shaped = 'ﺍﻵﻥ ﻳﻨﻬﺾ ﺗﺤﺪﻱ ﺇﻳﺮﺍﻥ، ﻭﻓﻴﻤﺎ ﻛﺎﻥ ﺍﻟﻄﺒﻴﻌﻲ ﺃﻥ ﺗﻘﻮﺩ ﻣﺼﺮ ﺍﻟﻤﻮﺍﺟﻬﺔ';
    expect(eld.detect(shaped).language).not.toBe('ar');
    expect(noHinglish(shaped)).toBe('ar');
  });
});

const brand: BrandConfig = { id: 'b', name: 'Acme', keywords: [], handles: [], hashtags: [] };
const row = (text: string, language: string): TrainingRow => ({
  key: `${language}:${text}`,
  text,
  brand,
  sentiment: null,
  complaint: null,
  weight: 1,
  language,
});

describe('the Hinglish head', () => {
  // A toy set shaped like the dev data: Hinglish rows, English rows, and Hindi-labelled rows in plain English.
  const english = [
    'good morning everyone',
    'good morning to all',
    'what a good morning',
    'thanks for the help',
    'the flight was late again',
  ];
  const hinglish = [
    'kya baat hai yaar',
    'bahut accha laga bhai',
    'nahi yaar kuch nahi hua',
    'mera order kab aayega',
    'aaj bahut garmi hai',
  ];
  const rows = [
    ...Array.from({ length: 4 }, () => english.map((t) => row(t, 'en'))).flat(),
    ...Array.from({ length: 4 }, () => hinglish.map((t) => row(t, 'hi'))).flat(),
    ...Array.from({ length: 30 }, () => row('good morning', 'hi')),
  ];
  const model = { hinglish: fitHinglish(rows) } as TriageModel;

  it('does not learn English words as Hindi from Hindi-labelled rows that are plain English', () => {
    expect(hinglishProbability(model, ['good', 'morning'])).toBeLessThan(0.5);
    expect(hinglishProbability(model, ['kya', 'baat', 'hai'])).toBeGreaterThan(0.5);
  });

  it('reads words it never saw by their letters', () => {
    // "yaaar" and "bhaiii" were never in training; their 3-grams were.
    expect(hinglishProbability(model, ['yaaar', 'bhaiii'])).toBeGreaterThan(hinglishProbability(model, ['thanksss', 'flighttt']));
  });
});
