import { addressTo } from '../connectors/mastodon/wire.js';
import { stripInvisible } from './invisible.js';

/**
 * Per-platform reply length limits, counted the way each platform counts, on the text as it will
 * actually be posted (invisible characters stripped as publish.ts does, the Mastodon mention
 * prefix the connector adds). The inbox shows it as a live counter and refuses an approval that
 * the platform would refuse later; the drafts code uses it as a guardrail.
 */

export type CountUnit = 'weighted' | 'graphemes' | 'characters';

export interface PlatformRule {
  limit: number | null;
  unit: CountUnit;
  /** One line for the UI: how this platform counts. */
  how: string;
}

/** URLs count as this many characters on X and Mastodon, however long they are. */
export const SHORT_URL_LENGTH = 23;
export const MASTODON_DEFAULT_LIMIT = 500;

const RULES: Record<string, PlatformRule> = {
  x: { limit: 280, unit: 'weighted', how: 'X counts links as 23 and most non-Latin characters and emoji as 2' },
  bluesky: { limit: 300, unit: 'graphemes', how: 'Bluesky counts graphemes (an emoji is 1)' },
  mastodon: { limit: MASTODON_DEFAULT_LIMIT, unit: 'graphemes', how: 'Mastodon counts links as 23 and @user@domain as @user' },
  googleplay: { limit: 350, unit: 'characters', how: 'Google Play counts characters' },
  appstore: { limit: 5970, unit: 'characters', how: 'the App Store counts characters' },
  googlebusiness: { limit: 4096, unit: 'characters', how: 'Google Business Profile counts characters' },
  reddit: { limit: 10_000, unit: 'characters', how: 'Reddit counts characters' },
  youtube: { limit: 10_000, unit: 'characters', how: 'YouTube counts characters' },
};

const NO_LIMIT: PlatformRule = { limit: null, unit: 'characters', how: 'no known limit' };

/**
 * Configured limits (config `inbox.replyLimits`): a key is a source id or a platform, the source
 * wins. A Mastodon instance with a higher limit than 500 is set here by its source id.
 */
export type ReplyLimitsConfig = Readonly<Record<string, number>>;

export function ruleFor(platform: string, sourceId: string, configured: ReplyLimitsConfig = {}): PlatformRule {
  const base = RULES[platform] ?? NO_LIMIT;
  const limit = configured[sourceId] ?? configured[platform];
  return limit === undefined ? base : { ...base, limit };
}

/** Just enough of a mention to render the reply: where the platform addresses it. */
export interface ReplyTarget {
  platform: string;
  sourceId: string;
  replyRef?: Readonly<Record<string, string>>;
  authorHandle?: string;
}

/** The exact text the connector sends for this draft. */
export function renderReply(target: ReplyTarget, draft: string): string {
  const text = stripInvisible(draft);
  if (target.platform === 'mastodon') {
    const acct = target.replyRef?.['acct'] ?? target.authorHandle;
    if (acct) return addressTo(acct, text);
  }
  return text;
}

const URL_RE = /\bhttps?:\/\/[^\s<>"]+|\bwww\.[^\s<>"]+/giu;
const MASTODON_MENTION_RE = /(^|[^\w@/])@(\w+(?:[.-]\w+)*)@[\w.-]+\w/gu;
const EMOJI_RE = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

const segmenter = new Intl.Segmenter();

function graphemes(text: string): string[] {
  return [...segmenter.segment(text)].map((s) => s.segment);
}

/**
 * Characters that never join a neighbour into one grapheme: Latin-1 and Latin Extended (up to
 * U+02FF, before the combining marks) and the visible general punctuation (dashes, quotes, the
 * ellipsis; not the zero-width joiners, bidi controls or line separators around them). In such a
 * text every UTF-16 unit is a grapheme except CR LF, which is one. Most drafts are written so (a
 * signature's em dash took the ASCII-only test off this path), and segmenting them was 5% of a
 * worker's time in the bench: every new item's draft is checked against its platform's limit.
 */
const NEVER_JOINS = /^[\x00-\u02ff\u2010-\u2027\u2030-\u205e]*$/;

function graphemeCount(text: string): number {
  if (NEVER_JOINS.test(text)) return text.length - (text.match(/\r\n/g)?.length ?? 0);
  let n = 0;
  for (const _ of segmenter.segment(text)) n += 1;
  return n;
}

/** twitter-text v3: these code point ranges weigh 1, everything else 2, an emoji sequence 2. */
const X_LIGHT: Array<[number, number]> = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];

function xWeight(grapheme: string): number {
  if (EMOJI_RE.test(grapheme)) return 2;
  let weight = 0;
  for (const ch of grapheme) {
    const cp = ch.codePointAt(0) ?? 0;
    weight += X_LIGHT.some(([lo, hi]) => cp >= lo && cp <= hi) ? 1 : 2;
  }
  return weight;
}

/** Splits off the URLs, which count as SHORT_URL_LENGTH each; returns the rest and the URL count. */
function withoutUrls(text: string): { rest: string; urls: number } {
  let urls = 0;
  const rest = text.replace(URL_RE, () => {
    urls += 1;
    return '\u0000';
  });
  return { rest, urls };
}

export function countReply(platform: string, text: string): number {
  if (platform === 'x') {
    const { rest, urls } = withoutUrls(text.normalize('NFC'));
    return urls * SHORT_URL_LENGTH + graphemes(rest.replaceAll('\u0000', '')).reduce((n, g) => n + xWeight(g), 0);
  }
  if (platform === 'mastodon') {
    const { rest, urls } = withoutUrls(text.replace(MASTODON_MENTION_RE, '$1@$2'));
    return urls * SHORT_URL_LENGTH + graphemeCount(rest.replaceAll('\u0000', ''));
  }
  if (platform === 'bluesky') return graphemeCount(text);
  return [...text].length;
}

export interface ReplyCheck {
  /** The text as posted. */
  text: string;
  count: number;
  limit: number | null;
  unit: CountUnit;
  how: string;
  over: boolean;
  /** Set when over the limit: the reason an approval is refused. */
  reason: string | null;
}

export function checkReply(target: ReplyTarget, draft: string, configured: ReplyLimitsConfig = {}): ReplyCheck {
  const rule = ruleFor(target.platform, target.sourceId, configured);
  const text = renderReply(target, draft);
  const count = countReply(target.platform, text);
  const { limit } = rule;
  const over = limit !== null && count > limit;
  const reason = over
    ? `the reply is ${count} characters as ${target.platform} counts them, over its limit of ${limit} (${rule.how}); shorten it by ${count - limit}`
    : null;
  return { text, count, limit: rule.limit, unit: rule.unit, how: rule.how, over, reason };
}
