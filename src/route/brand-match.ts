import type { BrandConfig } from '../config/schema.js';
import { brandMatcher } from '../connectors/bluesky/jetstream.js';
import type { Mention } from '../mention.js';

// Compiled once per brand object: a reload of the directory makes new objects, so an edited brand
// gets a new pattern and the old one is collected with it.
const matchers = new WeakMap<BrandConfig, (text: string) => boolean>();

function matcherOf(brand: BrandConfig): (text: string) => boolean {
  let m = matchers.get(brand);
  if (!m) {
    m = brandMatcher(brand, [brand.name]);
    matchers.set(brand, m);
  }
  return m;
}

/**
 * Which brand a post is about. A source belongs to one brand, but a shared feed (a hashtag, a
 * network-wide stream, an agency's export) also carries posts about the others: a post that does
 * not name its source's brand and names exactly one other brand (by name, keyword, @handle or
 * #hashtag) goes to that brand. Anything else keeps the source's brand, so a post that names no
 * brand at all is never lost.
 */
export function attributeBrand(mention: Pick<Mention, 'brandId' | 'text'>, brands: readonly BrandConfig[]): string {
  const home = brands.find((b) => b.id === mention.brandId);
  if (home && matcherOf(home)(mention.text)) return mention.brandId;
  const named = brands.filter((b) => b !== home && matcherOf(b)(mention.text));
  const [only] = named;
  return only && named.length === 1 ? only.id : mention.brandId;
}
