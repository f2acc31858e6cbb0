import type { BrandConfig, PlaybookConfig } from '../config/schema.js';
import type { Mention } from '../mention.js';
import type { TriageResult } from '../triage-types.js';
import { compose, NO_HISTORY } from '../drafts/composer.js';
import type { AuthorHistory } from '../store/drafts.js';
import { checkReply, type ReplyContext } from '../drafts/guardrails.js';

export interface DraftInput {
  mention: Mention;
  triage: TriageResult;
  brand: BrandConfig;
  playbook: PlaybookConfig;
  /** The author's history; without it the composer treats the post as a first contact. */
  history?: AuthorHistory;
}

export interface Draft {
  text: string;
  /**
   * Where the draft came from: "composer" (snippets by situation), or with a templates-only
   * playbook the template key used (the category, or "default").
   */
  template: string;
  warnings: string[];
  /** The language it is written in. */
  language: string;
  /** Situations and snippets the composer used, for the inbox. */
  used: string[];
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

export function replyContext(mention: Mention, triage: TriageResult, brand: BrandConfig): ReplyContext {
  return {
    brand,
    platform: mention.platform,
    language: triage.language,
    authorHandle: mention.author.handle,
    authorName: sanitizeName(mention.author.name),
    target: { platform: mention.platform, sourceId: mention.sourceId, replyRef: mention.replyRef, authorHandle: mention.author.handle },
  };
}

/** Today's one template per category: the fallback, and the baseline `npm run eval:drafts` measures against. */
export function templateReply(input: DraftInput): Draft {
  const { mention, triage, brand, playbook } = input;
  const { key, body } = pickTemplate(playbook, triage.category);
  const handle = handleOf(mention);
  const values = { name: sanitizeName(mention.author.name) || handle, brand: brand.name, handle };
  const warnings: string[] = [];
  let text = fill(body, values, warnings).trim();
  const signature = playbook.signature.trim();
  if (signature) text = `${text}\n${fill(signature, values, warnings)}`;
  return {
    text,
    template: key,
    warnings: [...warnings, ...checkDraft(text, playbook, replyContext(mention, triage, brand))],
    language: playbook.language,
    used: [`template: ${key}`],
  };
}

/** The composer's reply when the playbook has snippets, else the category template; checked either way. */
export function draftReply(input: DraftInput): Draft {
  const { mention, triage, brand, playbook } = input;
  const composed = compose({
    ...input,
    history: input.history ?? NO_HISTORY,
    name: sanitizeName(mention.author.name),
    handle: handleOf(mention),
  });
  if (!composed) return templateReply(input);
  const missing = composed.missing.map((m) => `unknown placeholder ${m}`);
  const checks = checkDraft(composed.text, playbook, replyContext(mention, triage, brand));
  // The composer already says why it wrote in another language; the language check would repeat it.
  const own = composed.notes.length ? checks.filter((w) => !w.startsWith('written in ')) : checks;
  const warnings = [...missing, ...composed.notes, ...own];
  return { text: composed.text, template: 'composer', warnings: [...new Set(warnings)], language: composed.language, used: composed.used };
}

/** The playbook's checks with no context (never-say, length, promises, links, secrets); see drafts/guardrails.ts. */
export function checkDraft(text: string, playbook: PlaybookConfig, context: ReplyContext = {}): string[] {
  return checkReply(text, playbook, context);
}
