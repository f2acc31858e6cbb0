import { describe, expect, it } from 'vitest';
import { nearDuplicateKey } from '../src/text/near-duplicate.js';

describe('near-duplicate key', () => {
  // Stored items are grouped by these keys, so a key computed today must equal the one stored
  // yesterday for the same text: pinned values, written by the first implementation.
  it('gives the keys stored items already have', () => {
    expect(nearDuplicateKey('@AcmeAir my flight was cancelled and my bag is lost, RT @x: again!')).toBe('06bd4369518aa1ed2b08b66230ac5763');
    expect(nearDuplicateKey('late late late late again')).toBe('58c5068929a7b234111a749a80802e05');
    expect(nearDuplicateKey('Ünïcode wörds ＦＵＬＬ width 123 and more')).toBe('5a25790a4de2df6d6c5be873012207c0');
  });

  it('has no key for short texts, and one key for copies that differ only in links, handles and case', () => {
    expect(nearDuplicateKey('too short here')).toBeNull();
    const a = nearDuplicateKey('My bag is lost again https://t.co/abc @AcmeAir');
    expect(a).not.toBeNull();
    expect(nearDuplicateKey('RT @someone: my BAG is lost again!! https://t.co/xyz')).toBe(a);
  });
});
