import type { BrandConfig, PlaybookConfig } from '../config/schema.js';
import type { Mention } from '../mention.js';
import type { TriageResult } from '../triage/types.js';
import { normaliseForCheck, stripInvisible } from './invisible.js';

export interface DraftInput {
  mention: Mention;
  triage: TriageResult;
  brand: BrandConfig;
  playbook: PlaybookConfig;
}

export interface Draft {
  text: string;
  /** Which template key was used: the category, or "default". */
  template: string;
  warnings: string[];
}

const NAME_MAX = 40;
const PLACEHOLDER_RE = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
// Control and format characters: C0/C1 controls, zero-width and bidi overrides that could
// reorder or hide text inside our reply.
const INVISIBLE_RE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/**
 * A display name is written by the author, so it is untrusted: it must not ping anyone (@),
 * smuggle invisible or reordering characters, or run long. First name only keeps replies natural.
 */
export function sanitizeName(raw: string): string {
  const cleaned = raw.replace(INVISIBLE_RE, ' ').replace(/[@＠]/g, ' ').replace(/\s+/g, ' ').trim();
  const first = cleaned.split(' ').find((w) => /[\p{L}\p{N}]/u.test(w)) ?? '';
  return [...first].slice(0, NAME_MAX).join('');
}

function handleOf(mention: Mention): string {
  const bare = mention.author.handle.replace(INVISIBLE_RE, '').replace(/\s+/g, '').replace(/^@+/, '');
  return bare ? `@${bare}` : '';
}

function pickTemplate(playbook: PlaybookConfig, category: string): { key: string; body: string } {
  const own = playbook.templates[category];
  if (own) return { key: category, body: own };
  return { key: 'default', body: playbook.templates['default'] ?? '' };
}

function fill(body: string, values: Record<string, string>, warnings: string[]): string {
  return body.replace(PLACEHOLDER_RE, (whole, key: string) => {
    const value = values[key];
    if (value !== undefined) return value;
    // Left visible so a responder sees it in the inbox instead of a silently missing word.
    const warning = `unknown placeholder ${whole}`;
    if (!warnings.includes(warning)) warnings.push(warning);
    return whole;
  });
}

export function draftReply(input: DraftInput): Draft {
  const { mention, triage, brand, playbook } = input;
  const { key, body } = pickTemplate(playbook, triage.category);
  const handle = handleOf(mention);
  const values = { name: sanitizeName(mention.author.name) || handle, brand: brand.name, handle };
  const warnings: string[] = [];
  let text = fill(body, values, warnings).trim();
  const signature = playbook.signature.trim();
  if (signature) text = `${text}\n${fill(signature, values, warnings)}`;
  return { text, template: key, warnings: [...warnings, ...checkDraft(text, playbook)] };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whole-word-ish: the phrase must not sit inside a longer word ("sorry" is not found in "sorrywise"). */
function phraseRe(phrase: string): RegExp {
  const body = phrase.trim().split(/\s+/).map(escapeRe).join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, 'iu');
}

const NEGATION_RE = /\b(?:not|never|unable|cannot|can['’]t|won['’]t|don['’]t|isn['’]t|no)\b/i;
// "our refund policy" talks about refunds without promising one.
const NOT_PROMISE = String.raw`(?!\s+(?:policy|policies|rules|terms|process|form|page|team|options?|eligibility)\b)`;
const WE_WILL = String.raw`\b(?:we|i)(?:['’]ll| will| can| shall| are going to|['’]re going to|['’]d be happy to| would be happy to|`;
const WE_HAVE = String.raw` have| are| am|['’]m|['’]ve)\s+`;
const UP_TO_THREE_WORDS = String.raw`(?:[\p{L}'’]+\s+){0,3}?`;
const YOU_WILL_GET = String.raw`\byou(?:['’]ll| will| are going to|['’]re going to| should)\s+` + UP_TO_THREE_WORDS;
const REFUND_PROMISES: RegExp[] = [
  new RegExp(WE_WILL + WE_HAVE + UP_TO_THREE_WORDS + String.raw`(?:refund(?:ed|ing)?|reimburs(?:e|ed|ing))\b` + NOT_PROMISE, 'giu'),
  /\bwe\s+(?:refund|reimburse)\b/giu,
  new RegExp(
    YOU_WILL_GET +
      String.raw`(?:get|receive|be (?:issued|given|sent)|see)\s+(?:a\s+|an\s+|your\s+|the\s+)?(?:full\s+|partial\s+)?` +
      String.raw`(?:refund|reimbursement|money back)\b`,
    'giu',
  ),
  /\bfull refund\b/giu,
  /\b(?:refund|reimburse)\s+you\b/giu,
  /\byour money back\b/giu,
];

/** Money back is a commitment a person must make knowingly; "we can't refund" is not a promise. */
function promisesRefund(text: string): boolean {
  for (const re of REFUND_PROMISES) {
    for (const m of text.matchAll(re)) if (!NEGATION_RE.test(m[0])) return true;
  }
  return false;
}

/**
 * Checks run on the normalised text (see invisible.ts): a zero-width space, a soft hyphen or a
 * full-width letter must not hide a phrase the playbook forbids. The length counted is what will
 * be posted, after invisible characters are stripped.
 */
export function checkDraft(text: string, playbook: PlaybookConfig): string[] {
  const warnings: string[] = [];
  const seen = normaliseForCheck(text);
  if (!seen.trim()) warnings.push('draft is empty');
  for (const phrase of playbook.neverSay) {
    const wanted = normaliseForCheck(phrase);
    if (wanted.trim() && phraseRe(wanted).test(seen)) warnings.push(`never say: "${phrase}"`);
  }
  const length = [...stripInvisible(text)].length;
  if (length > playbook.maxLength) warnings.push(`longer than ${playbook.maxLength} characters (${length})`);
  if (promisesRefund(seen)) warnings.push('promises a refund');
  return warnings;
}
