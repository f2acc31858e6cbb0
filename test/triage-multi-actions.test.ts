import { describe, expect, it } from 'vitest';
import type { BrandConfig } from '../src/config/schema.js';
import { DENSE_FEATURES } from '../src/triage/features.js';
import { missedAction } from '../src/triage/multi-actions.js';
import { readPost } from '../src/triage/signals.js';

const words = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[\s,.!?]+/u)
    .filter(Boolean);
const acme: BrandConfig = { id: 'acme', name: 'Acme', keywords: ['Acme'], handles: [], hashtags: [] };
const MISSED = DENSE_FEATURES.indexOf('something did not happen');

describe('something did not happen, in the other languages', () => {
  it.each([
    ['es', 'Mi pedido nunca llegó'],
    ['es', 'nadie responde a mis correos'],
    ['pt', 'Meu pedido não chegou até hoje'],
    ['pt', 'ninguém responde no chat'],
    ['fr', "La commande n'est jamais arrivée"],
    ['fr', "je n'ai pas reçu mon remboursement"],
    ['fr', 'je n’ai reçu aucun remboursement'],
    ['de', 'Mein Paket ist nie angekommen'],
    ['de', 'der Kundendienst antwortet nicht'],
    ['it', 'Il pacco non è mai arrivato'],
    ['it', 'nessuno ci aiuta'],
  ])('%s: "%s"', (lang, text) => {
    expect(missedAction(words(text), lang)).toBe(2);
  });

  it.each([
    ['es', 'no me gusta el color'],
    ['es', 'llegó a tiempo, gracias'],
    ['fr', "je n'aime pas ce film"],
    ['de', 'nicht schlecht, das Paket kam pünktlich'],
    ['it', 'non vedo l’ora di partire'],
    ['pt', 'chegou rápido, não tenho do que reclamar'],
  ])('%s, not a missed action: "%s"', (lang, text) => {
    expect(missedAction(words(text), lang)).toBe(0);
  });

  it('only for the languages it has verbs for', () => {
    expect(missedAction(words('nunca llegó'), 'ar')).toBe(0);
    expect(missedAction(words('nunca llegó'), 'en')).toBe(0);
  });

  it('fills the feature the English cue fills, so its learned weight applies', () => {
    const es = readPost('Mi pedido nunca llegó y nadie responde', acme, null, false, null, 'es').features;
    const en = readPost('My order never arrived', acme, null, false, null, 'en').features;
    const plain = readPost('Mi pedido llegó ayer', acme, null, false, null, 'es').features;
    expect(es.val[MISSED]).toBe(1);
    expect(en.val[MISSED]).toBe(1);
    expect(plain.val[MISSED]).toBe(0);
  });
});
