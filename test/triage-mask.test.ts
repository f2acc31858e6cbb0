import { describe, expect, it } from 'vitest';
import type { BrandConfig } from '../src/config/schema.js';
import { maskDetailed } from '../src/triage/mask.js';

const ACME: BrandConfig = { id: 'acme', name: 'Acme Air', keywords: ['Acme'], handles: ['@AcmeAir'], hashtags: ['#acmeair'] };

// mask.ts skips the link pass when a post has neither "://" nor "www." and the space pass when
// its spaces are already single plain spaces; these are the posts where a wrong skip would show.
describe('maskDetailed shortcuts', () => {
  it('still removes links in any case', () => {
    expect(maskDetailed('see WWW.Example.com/x now', ACME)).toMatchObject({ text: 'see now', urls: 1 });
    expect(maskDetailed('HTTPS://t.co/abc and http://x.y', ACME)).toMatchObject({ text: 'and', urls: 2 });
    expect(maskDetailed('www.a.b', ACME)).toMatchObject({ text: '', urls: 1 });
    expect(maskDetailed('no link: a.b www x://', ACME)).toMatchObject({ text: 'no link: a.b www x://', urls: 0 });
  });

  it('still folds every kind of whitespace into single spaces', () => {
    expect(maskDetailed('a\tb\nc\r\nd', ACME).text).toBe('a b c d');
    expect(maskDetailed('a\u00a0b\u3000c\u2009d', ACME).text).toBe('a b c d');
    expect(maskDetailed('  two  spaces  ', ACME).text).toBe('two spaces');
    expect(maskDetailed('one\fform\vtab', ACME).text).toBe('one form tab');
    expect(maskDetailed('plain single spaces', ACME).text).toBe('plain single spaces');
    expect(maskDetailed('@AcmeAir lost my bag', ACME)).toMatchObject({ text: 'lost my bag', brand: 1 });
  });
});

// Plain-ASCII posts are masked with a twin of the brand pattern without Unicode mode (mask.ts);
// a post with one accented letter takes the Unicode pattern, so the two must mask alike.
describe('brand names on ASCII and other text', () => {
  const CASES = [
    '@AcmeAir lost my bag',
    "ACME's app crashed, acme air again",
    '#acmeair #AcmeAirways acmeair2 xacme acme_air _acme acme-air',
    'Acme Air, Acme, ACMEAIR and @acme.',
    'nothing about the brand here',
    "Acme'S lounge and acme’s staff",
  ];

  it('masks the same names whichever pattern reads the post', () => {
    for (const text of CASES) {
      const ascii = maskDetailed(text, ACME);
      const other = maskDetailed(`${text} café`, ACME);
      expect(`${ascii.text} café`.trim(), text).toBe(other.text);
      expect(ascii.brand, text).toBe(other.brand);
    }
    expect(maskDetailed(CASES[2] as string, ACME)).toMatchObject({ text: 'Acme Airways acmeair2 xacme acme_air _acme -air', brand: 2 });
  });

  it('reads names outside ASCII on ASCII posts too', () => {
    const cafe: BrandConfig = { id: 'c', name: 'Café Noir', keywords: ['Noir'], handles: [], hashtags: [] };
    expect(maskDetailed('noir was closed', cafe)).toMatchObject({ text: 'was closed', brand: 1 });
    expect(maskDetailed('CAFÉ NOIR was closed', cafe)).toMatchObject({ text: 'was closed', brand: 1 });
  });
});
