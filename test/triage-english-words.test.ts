import { describe, expect, it } from 'vitest';
import type { BrandConfig } from '../src/config/schema.js';
import { hash } from '../src/triage/features.js';
import { readPost } from '../src/triage/signals.js';

const acme: BrandConfig = { id: 'acme', name: 'Acme', keywords: [], handles: ['@acme'], hashtags: [] };
const has = (text: string, word: string): boolean => readPost(text, acme).features.idx.includes(hash('u', word));

describe('English words written with emphasis', () => {
  it('a held letter also gives the plain spelling and a mark of its own', () => {
    expect(has('I loooove it', 'love')).toBe(true);
    expect(has('this is baaad', 'bad')).toBe(true);
    expect(has('this is baaad', '<held>')).toBe(true);
    // Two letters are ordinary spelling ("good", "too"): no mark.
    expect(has('this is good', '<held>')).toBe(false);
  });
});
