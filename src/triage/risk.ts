/**
 * Risk terms that raise urgency whatever the post's language, scored or not: lawyer, refund,
 * chargeback, cancelling the account, safety, press, regulator, in every language triage scores
 * and a few it does not. Matched on the masked text, not tokens, so they work the same on every path.
 */
import { factorAlternatives } from './regex-factor.js';
import { B, E, GROUPS, type RiskGroup } from './risk-terms.js';

/** Scripts written without spaces: matched as plain substrings. */
const UNBOUNDED: Array<[string, string[]]> = [
  ['mentions a lawyer', ['弁護士', '律师', '律師', '訴訟', '起诉']],
  ['mentions a refund', ['返金', '退款']],
  ['safety concern', ['危険', '危险']],
  ['press / journalist asking', ['記者', '记者']],
  ['mentions police', ['警察']],
];
for (const [reason, terms] of UNBOUNDED) {
  const g = GROUPS.find((x) => x.reason === reason);
  if (g) g.re = new RegExp(`${g.re.source}|${terms.join('|')}`, 'iu');
}

export interface RiskHit {
  reason: string;
  points: number;
}

// Most posts name no risk at all. One pass without Unicode mode (much faster) finds every
// candidate and some false ones; only then do the exact per-group patterns run. Its only boundary
// is "not after an ASCII letter or digit", which every exact match also needs: without it the
// alternatives were tried at every letter of the post instead of only where a word starts.
const UNBOUNDED_TERMS = new Set(UNBOUNDED.flatMap(([, terms]) => terms));
/** A group's alternatives, without its word boundaries and unbounded terms, and out of their `(?:…)`. */
const bounded = (g: RiskGroup): string[] =>
  topLevel(g.re.source.split(B).join('').split(E).join(''))
    .filter((alt) => !UNBOUNDED_TERMS.has(alt))
    .flatMap((alt) => (alt.startsWith('(?:') && closingParen(alt, 0) === alt.length - 1 ? topLevel(alt.slice(3, -1)) : [alt]));
// Only asked whether anything matches, so the alternatives may be grouped in any order (regex-factor.ts).
const precheck = (alternatives: string[], extra: string[]): RegExp =>
  new RegExp(
    `(?<![a-z0-9])(?:${factorAlternatives(alternatives, { ignoreCase: true, anyOrder: true })})${extra.map((t) => `|${t}`).join('')}`,
    'i',
  );
const ANY = precheck(GROUPS.flatMap(bounded), [...UNBOUNDED_TERMS]);
// Without Unicode mode, no letter outside ASCII matches one inside it, so on plain-ASCII text (most
// English posts) the alternatives with no ASCII letter or digit in them (Arabic, Devanagari,
// Cyrillic, the unbounded CJK terms) can never match and are left out of the pass.
const ANY_ASCII = precheck(
  GROUPS.flatMap(bounded).filter((alt) => /[a-z0-9]/i.test(alt)),
  [],
);
const NOT_ASCII = /[^\x00-\x7f]/;

/** Where the group opened at `open` closes. */
function closingParen(source: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < source.length; i += 1) {
    const c = source[i];
    if (c === '\\') i += 1;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth += 1;
    else if (c === ')' && (depth -= 1) === 0) return i;
  }
  return -1;
}

/** `source`'s alternatives at the top level: "a(?:b|c)|d" → "a(?:b|c)", "d". */
function topLevel(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let from = 0;
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i];
    if (c === '\\') i += 1;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === '|' && depth === 0) {
      out.push(source.slice(from, i));
      from = i + 1;
    }
  }
  out.push(source.slice(from));
  return out;
}

export function riskHits(text: string): RiskHit[] {
  const hits: RiskHit[] = [];
  if (!(NOT_ASCII.test(text) ? ANY : ANY_ASCII).test(text)) return hits;
  for (const g of GROUPS) if (g.re.test(text)) hits.push({ reason: g.reason, points: g.points });
  return hits;
}
