import type { BrandConfig } from '../config/schema.js';

const URL_RE = /\b(?:https?:\/\/|www\.)\S+/gi;
// Fediverse handles carry a host (@jules@fosstodon.example); plain @names cover Twitter/Bluesky.
const HANDLE_RE = /(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.-]*[\p{L}\p{N}_](?:@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)?/gu;
const HASHTAG_RE = /#([\p{L}\p{N}_]+)/gu;
const ENTITY_RE = /&(?:amp|lt|gt|quot|apos|#39|#x27|nbsp);/g;
const ENTITIES: Record<string, string> = {
  '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&#39;': "'", '&#x27;': "'", '&nbsp;': ' ',
};

const brandPatterns = new WeakMap<BrandConfig, RegExp | null>();

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One regex for all of a brand's names, longest first so "Acme Air" wins over "Acme". Cached per config object. */
function brandPattern(brand: BrandConfig): RegExp | null {
  const cached = brandPatterns.get(brand);
  if (cached !== undefined) return cached;
  const terms = new Set<string>();
  for (const raw of [brand.name, ...brand.keywords, ...brand.handles, ...brand.hashtags]) {
    const t = raw.trim().replace(/^[@#]+/, '');
    if (t) terms.add(t.toLowerCase());
    // Fediverse handle "acmeair@mastodon.social" is also written as just "acmeair".
    const local = t.split('@')[0];
    if (local && local !== t) terms.add(local.toLowerCase());
  }
  const alternation = [...terms].sort((a, b) => b.length - a.length).map(escapeRe).join('|');
  const re = alternation
    ? new RegExp(`(?<![\\p{L}\\p{N}_])[@#]?(?:${alternation})(?:['’]s)?(?![\\p{L}\\p{N}_])`, 'giu')
    : null;
  brandPatterns.set(brand, re);
  return re;
}

/** "#NeverAgain" → "Never Again" so hashtag words reach the sentiment lexicon. */
function unwrapHashtag(_m: string, body: string): string {
  return ` ${body.replace(/_/g, ' ').replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')} `;
}

export interface Masked {
  text: string;
  /** How many links, other @handles and mentions of the brand's own names were removed: features, not words. */
  urls: number;
  handles: number;
  brand: number;
}

function count(re: RegExp | null, text: string): number {
  if (!re) return 0;
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text)) n += 1;
  return n;
}

/**
 * Removes what must not drive sentiment or cues: links, @handles, and the brand's own names,
 * so "Lovely Airlines lost my bag" is scored on "lost my bag". Brand removal runs before the
 * generic rules so "#acmeair" and "@AcmeAir" disappear whole.
 */
export function maskDetailed(text: string, brand: BrandConfig): Masked {
  let out = text.replace(ENTITY_RE, (e) => ENTITIES[e] ?? e);
  const urls = count(URL_RE, out);
  if (urls) out = out.replace(URL_RE, ' ');
  const re = brandPattern(brand);
  const brandHits = count(re, out);
  if (re && brandHits) out = out.replace(re, ' ');
  const handles = count(HANDLE_RE, out);
  if (handles) out = out.replace(HANDLE_RE, ' ');
  out = out.replace(HASHTAG_RE, unwrapHashtag).replace(/\s+/g, ' ').trim();
  return { text: out, urls, handles, brand: brandHits };
}

export function maskText(text: string, brand: BrandConfig): string {
  return maskDetailed(text, brand).text;
}
