/**
 * Money back and compensation are commitments a person must make knowingly, so a draft that
 * makes one always carries a warning. "We can't refund" and "our refund policy" are not promises.
 * Texts are already normalised (lower case, invisible characters gone; see invisible.ts).
 */

const NEGATION_RE = /\b(?:not|never|unable|cannot|can['’]t|won['’]t|don['’]t|isn['’]t|no)\b/i;
// "our refund policy" talks about refunds without promising one.
const NOT_PROMISE = String.raw`(?!\s+(?:policy|policies|rules|terms|process|form|page|team|options?|eligibility|request|status)\b)`;
const WE_WILL = String.raw`\b(?:we|i)(?:['’]ll| will| can| shall| are going to|['’]re going to|['’]d be happy to| would be happy to|`;
const WE_HAVE = String.raw` have| are| am|['’]m|['’]ve)\s+`;
const UP_TO_THREE_WORDS = String.raw`(?:[\p{L}'’]+\s+){0,3}?`;
const YOU_WILL_GET =
  String.raw`\byou(?:['’]ll| will| are going to|['’]re going to| should| are entitled to| qualify for)\s+` + UP_TO_THREE_WORDS;
const REFUND_PROMISES: RegExp[] = [
  new RegExp(WE_WILL + WE_HAVE + UP_TO_THREE_WORDS + String.raw`(?:refund(?:ed|ing)?|reimburs(?:e|ed|ing))\b` + NOT_PROMISE, 'giu'),
  /\bwe\s+(?:refund|reimburse)\b/giu,
  new RegExp(
    YOU_WILL_GET +
      String.raw`(?:get|receive|be (?:issued|given|sent)|see)?\s*(?:a\s+|an\s+|your\s+|the\s+)?(?:full\s+|partial\s+)?` +
      String.raw`(?:refund|reimbursement|money back)\b`,
    'giu',
  ),
  /\bfull refund\b/giu,
  /\b(?:refund|reimburse)\s+you\b/giu,
  /\byour money back\b/giu,
  /\brefund (?:is|has been) (?:approved|confirmed|on its way|guaranteed)\b/giu,
];

const GOODS = String.raw`(?:compensation|a voucher|vouchers?|a credit|credit|miles|points|a free (?:flight|ticket|upgrade|night)|free (?:flights?|tickets?|upgrades?)|a gift card|a goodwill (?:gesture|payment)|(?:an?\s+)?\p{Sc}?\d+\s*(?:€|eur|euros?|dollars?|pounds?)?\s+(?:voucher|credit|compensation))`;
const COMPENSATION_PROMISES: RegExp[] = [
  new RegExp(WE_WILL + WE_HAVE + UP_TO_THREE_WORDS + String.raw`(?:compensate|compensated|compensating)\b`, 'giu'),
  new RegExp(
    WE_WILL + WE_HAVE + UP_TO_THREE_WORDS + String.raw`(?:give|offer|send|issue|credit|add)\s+(?:you\s+)?(?:with\s+)?` + GOODS,
    'giu',
  ),
  new RegExp(YOU_WILL_GET + String.raw`(?:get|receive|be (?:issued|given|sent|offered|paid)|be entitled to)?\s*` + GOODS, 'giu'),
  /\byou are entitled to\b/giu,
  /\bcompensation (?:is|has been|will be) (?:approved|confirmed|paid|guaranteed|on its way)\b/giu,
];

/**
 * A word every pattern of its list needs (each refund pattern names a refund, a reimbursement or
 * money back; each compensation pattern names the compensation, the goods or an amount). Most
 * drafts name none, and running both lists of long patterns over each draft was
 * 3% of a worker's time in the bench: a text without the word skips its list.
 */
const REFUND_WORD = /refund|reimburs|money back/iu;
const COMPENSATION_WORD = /compensat|voucher|credit|miles|points|free|gift card|goodwill|entitled|\d/iu;

function anyUnnegated(text: string, patterns: RegExp[]): boolean {
  for (const re of patterns) {
    for (const m of text.matchAll(re)) if (!NEGATION_RE.test(m[0])) return true;
  }
  return false;
}

export function promisesRefund(text: string): boolean {
  return REFUND_WORD.test(text) && anyUnnegated(text, REFUND_PROMISES);
}

export function promisesCompensation(text: string): boolean {
  return COMPENSATION_WORD.test(text) && anyUnnegated(text, COMPENSATION_PROMISES);
}
