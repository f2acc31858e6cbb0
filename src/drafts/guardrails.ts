import type { BrandConfig, PlaybookConfig } from '../config/schema.js';
import { normaliseForCheck, stripInvisible } from '../playbook/invisible.js';
import { identifyLanguage, LANGUAGE_NAMES, SCORED_LANGUAGES } from '../triage/language.js';
import { checkReply as checkLength, type ReplyLimitsConfig, type ReplyTarget } from '../playbook/reply-limits.js';
import { promisesCompensation, promisesRefund } from './promises.js';

/**
 * Checks every draft goes through, whoever wrote it (composer, a past reply, a model, a person):
 * the playbook's never-say list, refund and compensation promises, links and @handles outside
 * the allow-list, requests for passwords or full card numbers, the length the platform takes,
 * and a reply in another language than the post. A warning makes the approval policy ask for
 * an approver (approval.approverRequiredWhen.warnings) and needs acknowledging to approve.
 */

export interface ReplyContext {
  brand?: BrandConfig;
  platform?: string;
  /** The post's language (triage's tag); 'und' or absent skips the language check. */
  language?: string | null;
  /** The author's handle: naming the person we reply to is fine. */
  authorHandle?: string;
  /** The author's name, removed before the language check (a name is no language). */
  authorName?: string;
  /** Where the reply goes, to count it as the platform will (reply-limits.ts); `platform` alone counts without the @-prefix. */
  target?: ReplyTarget;
  /** config inbox.replyLimits, when known. */
  limits?: ReplyLimitsConfig;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const phraseCache = new Map<string, RegExp>();

/** Whole-word-ish: the phrase must not sit inside a longer word ("sorry" is not found in "sorrywise"). */
function phraseRe(phrase: string): RegExp {
  // The never-say list is the playbook's: the same few patterns for every draft (see composer.ts cueRe).
  let re = phraseCache.get(phrase);
  if (!re) {
    if (phraseCache.size >= 5_000) phraseCache.clear();
    phraseCache.set(phrase, (re = compilePhrase(phrase)));
  }
  return re;
}

function compilePhrase(phrase: string): RegExp {
  const body = phrase.trim().split(/\s+/).map(escapeRe).join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, 'iu');
}

const URL_RE =
  /\b(?:https?:\/\/|www\.)[^\s<>()]+|\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|co|uk|de|es|fr|info|biz|ly|gl|me|app|dev|xyz|link|click|example)(?:\/[^\s<>()]*)?\b/giu;
const EMAIL_RE = /(?<![@\w.+-])[\w.+-]+@((?:[\w-]+\.)+[\w-]+)\b/gu;
const HANDLE_RE = /(?<![\p{L}\p{N}_.@/])@([\p{L}\p{N}_]{1,30}(?:@[\w-]+(?:\.[\w-]+)+)?)/gu;

function hostOf(link: string): string {
  const withScheme = /^https?:\/\//i.test(link) ? link : `https://${link}`;
  try {
    return new URL(withScheme).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return link.toLowerCase();
  }
}

function domainAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some((d) => {
    const domain = d
      .toLowerCase()
      .replace(/^https?:\/\//, '')
      .replace(/\/.*$/, '')
      .replace(/^\*\./, '');
    return host === domain || host.endsWith(`.${domain}`);
  });
}

/** `withoutEmails`: `seen` with its email addresses blanked out (handleWarnings reads the same). */
function linkWarnings(seen: string, withoutEmails: string, playbook: PlaybookConfig): string[] {
  const out: string[] = [];
  const emails = [...seen.matchAll(EMAIL_RE)];
  for (const m of withoutEmails.replace(HANDLE_RE, ' ').matchAll(URL_RE)) {
    const host = hostOf(m[0]);
    if (!domainAllowed(host, playbook.allowLinks)) out.push(`links outside the allow-list: ${host} (playbook.allowLinks)`);
  }
  for (const m of emails) {
    const host = (m[1] ?? '').toLowerCase();
    if (!domainAllowed(host, playbook.allowLinks)) out.push(`email address outside the allow-list: ${host} (playbook.allowLinks)`);
  }
  return [...new Set(out)];
}

function bareHandle(h: string): string {
  return h.trim().replace(/^@+/, '').toLowerCase();
}

function handleWarnings(withoutEmails: string, playbook: PlaybookConfig, ctx: ReplyContext): string[] {
  const allowed = new Set(
    [...playbook.allowHandles, ...(ctx.brand?.handles ?? []), ...(ctx.authorHandle ? [ctx.authorHandle] : [])].map(bareHandle),
  );
  const out = new Set<string>();
  for (const m of withoutEmails.matchAll(HANDLE_RE)) {
    const handle = bareHandle(m[1] ?? '');
    const local = handle.split('@')[0] ?? handle;
    if (!allowed.has(handle) && !allowed.has(local)) out.add(`@handle outside the allow-list: @${handle} (playbook.allowHandles)`);
  }
  return [...out];
}

const ASK_VERB =
  /\b(?:send|dm|message|tell|share|give|confirm|provide|reply|type|enter|include|need|what(?:['’]s| is)|let us know|post)\b/iu;
const NEGATION = /\b(?:never|not|don['’]t|do not|no need|without|nor|won['’]t|will not)\b/iu;
const SECRETS: Array<[RegExp, string]> = [
  [
    /\b(?:password|passcode|pin(?: code)?|security code|cvv|cvc|one[- ]time (?:code|password)|verification code|2fa code|login code)\b/giu,
    'asks for a password or security code',
  ],
  [
    /\b(?:(?:full|long|whole|complete|16[- ]digit) (?:card )?number|card number|(?:credit|debit) card (?:number|details)|card details)\b/giu,
    'asks for a full card number',
  ],
];
const LAST_DIGITS = /\blast (?:4|four) digits\b/iu;
/** Whether a secret is named anywhere: most drafts name none, and then no sentence needs reading. */
const ANY_SECRET = SECRETS.map(([re]) => new RegExp(re.source, 'iu'));

/** A secret named after an ask in the same sentence, with no "never" between them. */
function secretWarnings(seen: string): string[] {
  const out = new Set<string>();
  // A match inside a sentence is a match in the whole text (sentences end on punctuation).
  const sentences = ANY_SECRET.some((re) => re.test(seen)) ? seen.split(/(?<=[.!?;\n])/u) : [];
  for (const sentence of sentences) {
    for (const [re, warning] of SECRETS) {
      for (const m of sentence.matchAll(re)) {
        const before = sentence.slice(0, m.index ?? 0);
        if (!ASK_VERB.test(before) || NEGATION.test(before)) continue;
        if (warning.includes('card') && LAST_DIGITS.test(before)) continue;
        out.add(warning);
      }
    }
  }
  if (/(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)/u.test(seen)) out.add('contains what looks like a full card number');
  return [...out];
}

/**
 * With the names, the brand and the signature masked out, drafts written from the same snippets
 * are the same text, so the language guess of each is kept (bounded): identifying it was 5% of
 * composing and checking a draft.
 */
const guessCache = new Map<string, string>();

function guessLanguage(masked: string): string {
  let language = guessCache.get(masked);
  if (language === undefined) {
    if (guessCache.size >= 10_000) guessCache.clear();
    language = identifyLanguage({ text: masked, declared: null, hinglish: () => 0 }).language;
    guessCache.set(masked, language);
  }
  return language;
}

function languageWarning(text: string, ctx: ReplyContext, playbook: PlaybookConfig): string | null {
  const post = ctx.language;
  if (!post || post === 'und' || !(SCORED_LANGUAGES as readonly string[]).includes(post)) return null;
  let masked = text.replace(URL_RE, ' ').replace(HANDLE_RE, ' ').replace(EMAIL_RE, ' ');
  for (const n of [ctx.brand?.name, ctx.authorName, playbook.signature].filter((s): s is string => Boolean(s && s.trim())))
    masked = masked.split(n).join(' ');
  if ((masked.match(/\p{L}+/gu) ?? []).length < 4) return null;
  const guess = guessLanguage(masked);
  if (guess === post || guess === 'und') return null;
  const name = (code: string) => LANGUAGE_NAMES[code] ?? code;
  return `written in ${name(guess)}; the post is in ${name(post)}`;
}

export function checkReply(text: string, playbook: PlaybookConfig, ctx: ReplyContext = {}): string[] {
  const warnings: string[] = [];
  const seen = normaliseForCheck(text);
  if (!seen.trim()) warnings.push('draft is empty');
  for (const phrase of playbook.neverSay) {
    const wanted = normaliseForCheck(phrase);
    if (wanted.trim() && phraseRe(wanted).test(seen)) warnings.push(`never say: "${phrase}"`);
  }
  const visible = stripInvisible(text);
  const length = [...visible].length;
  if (length > playbook.maxLength) warnings.push(`longer than ${playbook.maxLength} characters (${length})`);
  const target = ctx.target ?? (ctx.platform ? { platform: ctx.platform, sourceId: '' } : null);
  const posted = target ? checkLength(target, text, ctx.limits) : null;
  if (posted?.over && posted.limit !== null && posted.limit < playbook.maxLength)
    warnings.push(`longer than ${target?.platform} allows: ${posted.count} of ${posted.limit} characters as posted (${posted.how})`);
  if (promisesRefund(seen)) warnings.push('promises a refund');
  if (promisesCompensation(seen)) warnings.push('promises compensation');
  const withoutEmails = seen.replace(EMAIL_RE, ' ');
  warnings.push(...linkWarnings(seen, withoutEmails, playbook), ...handleWarnings(withoutEmails, playbook, ctx), ...secretWarnings(seen));
  const lang = languageWarning(visible, ctx, playbook);
  if (lang) warnings.push(lang);
  return warnings;
}
