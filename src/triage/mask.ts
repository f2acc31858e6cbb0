import type { BrandConfig } from '../config/schema.js';

const URL_RE = /\b(?:https?:\/\/|www\.)\S+/gi;
// Fediverse handles carry a host (@jules@fosstodon.example); plain @names cover Twitter/Bluesky.
const HANDLE_RE = /(?<![\p{L}\p{N}_])@[\p{L}\p{N}_.-]*[\p{L}\p{N}_](?:@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)?/gu;
const HASHTAG_RE = /#([\p{L}\p{N}_]+)/gu;
const MAYBE_WWW = /www\./i;
/** Whitespace that `\s+` → " " would change: a run of two, or one that is not a plain space. */
const ODD_SPACE = /\s\s|[^\S ]/;
const ENTITY_RE = /&(?:amp|lt|gt|quot|apos|#39|#x27|nbsp);/g;
const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
  '&#39;': "'",
  '&#x27;': "'",
  '&nbsp;': ' ',
};

/** Runs of whitespace that `\s+` → " " would change: single plain spaces are left alone rather than replaced by themselves. */
const SPACE_RUN = /\s{2,}|[^\S ]/g;
const NOT_ASCII = /[^\x00-\x7f]/;

interface BrandPatterns {
  /** For any text. */
  unicode: RegExp;
  /**
   * The same pattern without Unicode mode, for plain-ASCII text when every name is ASCII: there
   * a letter or digit is [A-Za-z0-9] and case folding pairs only a-z with A-Z, so it matches
   * exactly what `unicode` matches, at about half the cost per post. Null otherwise.
   */
  ascii: RegExp | null;
}

const brandPatterns = new WeakMap<BrandConfig, BrandPatterns | null>();

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One regex for all of a brand's names, longest first so "Acme Air" wins over "Acme". Cached per config object. */
function brandPattern(brand: BrandConfig): BrandPatterns | null {
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
  const alternation = [...terms]
    .sort((a, b) => b.length - a.length)
    .map(escapeRe)
    .join('|');
  const names = (word: string, flags: string): RegExp => new RegExp(`(?<!${word})[@#]?(?:${alternation})(?:['’]s)?(?!${word})`, flags);
  const re = alternation
    ? { unicode: names('[\\p{L}\\p{N}_]', 'giu'), ascii: NOT_ASCII.test(alternation) ? null : names('[A-Za-z0-9_]', 'gi') }
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

/**
 * Removes what must not drive sentiment or cues: links, @handles, and the brand's own names,
 * so "Lovely Airlines lost my bag" is scored on "lost my bag". Brand removal runs before the
 * generic rules so "#acmeair" and "@AcmeAir" disappear whole. Counted while replacing, so each
 * pattern scans the text once.
 */
export function maskDetailed(text: string, brand: BrandConfig): Masked {
  const n = { urls: 0, handles: 0, brand: 0 };
  let out = text.indexOf('&') >= 0 ? text.replace(ENTITY_RE, (e) => ENTITIES[e] ?? e) : text;
  // Every link has "://" or "www." in it; most posts have neither, and a pass that finds nothing still costs a scan.
  if (out.indexOf('://') >= 0 || MAYBE_WWW.test(out)) out = out.replace(URL_RE, () => ((n.urls += 1), ' '));
  const names = brandPattern(brand);
  const re = names && (names.ascii === null || NOT_ASCII.test(out) ? names.unicode : names.ascii);
  if (re) out = out.replace(re, () => ((n.brand += 1), ' '));
  if (out.indexOf('@') >= 0) out = out.replace(HANDLE_RE, () => ((n.handles += 1), ' '));
  if (out.indexOf('#') >= 0) out = out.replace(HASHTAG_RE, unwrapHashtag);
  // Fields spelled out rather than spread from `n`: a spread here was a third of the function's own time.
  // Replacing every single space with a space rebuilt the whole text; only runs and other spaces need it.
  if (ODD_SPACE.test(out)) out = out.replace(SPACE_RUN, ' ');
  return { text: out.trim(), urls: n.urls, handles: n.handles, brand: n.brand };
}

export function maskText(text: string, brand: BrandConfig): string {
  return maskDetailed(text, brand).text;
}
