/**
 * Risk terms that raise urgency whatever the post's language, scored or not: lawyer, refund,
 * chargeback, cancelling the account, safety, press, regulator, in every language triage scores
 * and a few it does not. Matched on the masked text, not tokens, so they work the same on every path.
 */
import { B, E, GROUPS, type RiskGroup } from './risk-terms.js';

/** Scripts written without spaces: matched as plain substrings. */
const UNBOUNDED: Array<[string, string[]]> = [
  ['mentions a lawyer', ['弁護士', '律师', '律師', '訴訟', '起诉']],
  ['asks for a refund', ['返金', '退款']],
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
const bounded = (g: RiskGroup): string =>
  g.re.source
    .split('|')
    .filter((alt) => !UNBOUNDED_TERMS.has(alt))
    .join('|');
const UNBOUNDED_TERMS = new Set(UNBOUNDED.flatMap(([, terms]) => terms));
const ANY = new RegExp(
  `(?<![a-z0-9])(?:${GROUPS.map((g) => bounded(g).split(B).join('').split(E).join('')).join('|')})|${[...UNBOUNDED_TERMS].join('|')}`,
  'i',
);

export function riskHits(text: string): RiskHit[] {
  const hits: RiskHit[] = [];
  if (!ANY.test(text)) return hits;
  for (const g of GROUPS) if (g.re.test(text)) hits.push({ reason: g.reason, points: g.points });
  return hits;
}
