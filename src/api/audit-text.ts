/**
 * One plain sentence per audit entry, for people reading the log ("ana approved the reply to
 * @jules (draft v3)"). Plain text: the page puts it in with textContent and the CSV export
 * guards formulas, so a handle or reason full of markup stays inert. Kinds added later without
 * a sentence here still read sensibly through the fallback.
 */

export interface AuditLike {
  actor: string;
  action: string;
  itemId?: string;
  detail?: Record<string, unknown>;
  /** The item's author handle, when the entry is about an item that is still stored. */
  handle?: string | null;
}

const MAX_FIELD = 200;

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  // Control characters (and newlines) would break a one-line sentence and a log line alike.
  const flat = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return flat.length > MAX_FIELD ? `${flat.slice(0, MAX_FIELD - 1)}…` : flat;
}

function who(actor: string): string {
  return actor === 'earshot' ? 'Earshot' : actor === 'slack' ? 'Slack' : text(actor);
}

function version(d: Record<string, unknown>): string {
  return typeof d['draftVersion'] === 'number' ? ` (draft v${d['draftVersion']})` : '';
}

function changes(d: Record<string, unknown>): string {
  const labels = (d['labels'] ?? {}) as Record<string, unknown>;
  const before = (d['before'] ?? {}) as Record<string, unknown>;
  const parts = Object.entries(labels).map(([k, v]) =>
    before[k] !== undefined && before[k] !== v ? `${k} ${text(before[k])} → ${text(v)}` : `${k} ${text(v)}`,
  );
  return parts.length ? `: ${parts.join(', ')}` : '';
}

type Sentence = (a: { who: string; post: string; reply: string; d: Record<string, unknown> }) => string;

const SENTENCES: Record<string, Sentence> = {
  'inbox.created': ({ post, d }) => `Earshot put ${post} in the inbox (${text(d['priority'])}, urgency ${text(d['urgency'])})`,
  'item.assigned': ({ who, post, d }) =>
    d['assignee'] ? `${who} assigned ${post} to ${text(d['assignee'])}` : `${who} unassigned ${post}`,
  'draft.edited': ({ who, reply, d }) => `${who} edited ${reply}${version(d)}`,
  'item.approved_first': ({ who, reply, d }) => `${who} gave the first of two approvals to ${reply}${version(d)}`,
  'item.approved': ({ who, reply, d }) => `${who} approved ${reply}${version(d)}`,
  'item.resend': ({ who, reply }) => `${who} checked and resent ${reply}`,
  'item.rejected': ({ who, post, d }) => `${who} rejected ${post}${d['reason'] ? `: ${text(d['reason'])}` : ''}`,
  'item.snoozed': ({ who, post, d }) => `${who} snoozed ${post} until ${text(d['until'])}`,
  'item.unsnoozed': ({ who, post }) => `${who} woke ${post} from its snooze`,
  'publish.started': ({ reply }) => `Earshot started posting ${reply}`,
  'publish.posted': ({ reply }) => `Earshot posted ${reply}`,
  'publish.retrying': ({ reply, d }) => `Posting ${reply} failed for now and will be retried: ${text(d['error'])}`,
  'publish.needs_check': ({ reply, d }) =>
    `Earshot cannot tell whether ${reply} went out; a person must check before resending: ${text(d['why'])}`,
  'publish.failed': ({ reply, d }) => `Posting ${reply} failed: ${text(d['why'])}`,
  'triage.corrected': ({ who, post, d }) => `${who} corrected the triage of ${post}${changes(d)}`,
  'slack.refused': ({ d }) => `A Slack request was refused: ${text(d['reason'])}`,
  'slack.action_refused': ({ who, post, d }) =>
    `${who}'s ${text(d['action'])} click in Slack on ${post} was refused: ${text(d['message'])}`,
  'source.tested': ({ who, d }) =>
    `${who} tested the connection of source "${text(d['source'])}": ${d['ok'] ? `ok, ${text(d['fetched'])} posts read` : `failed, ${text(d['error'])}`}`,
  'session.signed_in': ({ who, d }) => `${who} signed in from ${text(d['address'])}`,
  'session.signed_out': ({ who }) => `${who} signed out`,
  'session.sign_in_failed': ({ d }) => `Failed sign-in as "${text(d['name'])}" from ${text(d['address'])}`,
  'user.added': ({ who, d }) => `${who} added user ${text(d['user'])} as ${text(d['role'])}${d['token'] ? ', with an API token' : ''}`,
  'user.changed': ({ who, d }) => `${who} changed user ${text(d['user'])}${userChanges(d['changes'])}`,
  'user.sessions-ended': ({ who, d }) => `${who} ended ${text(d['sessions'])} session(s) of ${text(d['user'])}`,
  'brand.added': ({ who, d }) => `${who} added brand ${text(d['brand'])} (${text(d['name'])})`,
  'brand.changed': ({ who, d }) => `${who} changed brand ${text(d['brand'])}${userChanges(d['changes'])}`,
  'directory.seeded': ({ d }) =>
    `The config file ${text(d['file'])} seeded users and brands: ${text({ added: d['added'], updated: d['updated'], disabled: d['disabled'] })}`,
};

/** `{ role: { from, to }, disabled: true, password: 'reset' }` as words. */
function userChanges(value: unknown): string {
  const parts = Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => {
    const fromTo = v as { from?: unknown; to?: unknown } | null;
    if (fromTo && typeof fromTo === 'object' && 'to' in fromTo) return `${k} ${text(fromTo.from)} → ${text(fromTo.to)}`;
    if (k === 'disabled') return v ? 'disabled' : 'enabled';
    return `${k} ${text(v)}`;
  });
  return parts.length ? `: ${parts.join(', ')}` : '';
}

/** The kinds with a sentence of their own, for the audit page's action filter. */
export const KNOWN_ACTIONS = Object.keys(SENTENCES);

export function describeAudit(entry: AuditLike): string {
  const handle = entry.handle ? `@${text(entry.handle)}` : null;
  const post = handle ? `the post by ${handle}` : entry.itemId ? 'a post' : 'nothing in particular';
  const reply = handle ? `the reply to ${handle}` : 'a reply';
  const d = entry.detail ?? {};
  const sentence = SENTENCES[entry.action];
  if (sentence) return sentence({ who: who(entry.actor), post, reply, d });
  const extra = Object.entries(d)
    .slice(0, 6)
    .map(([k, v]) => `${k}: ${text(v)}`)
    .join(', ');
  return `${who(entry.actor)}: ${text(entry.action).replaceAll(/[._]/g, ' ')}${entry.itemId ? ` on ${post}` : ''}${extra ? ` (${extra})` : ''}`;
}
