import type { AppContext } from '../context.js';
import { authorOpenItems, conversationOf, linkItems, unlinkItem } from '../store/conversations.js';
import { announce, getItems, type InboxItem } from '../store/inbox.js';
import { addNote, markMentionsSeen, notesOf, type Note } from '../store/notes.js';
import { heartbeat, presenceOn, type PresenceEntry, type PresenceState } from '../store/presence.js';
import { addTag, removeTag, tagsOf } from '../store/tags.js';
import { ActionError, authorize, mustGet, rejectItem, type Actor } from './actions.js';
import { can } from './permissions.js';

/** Open in the sense of "someone may still answer it". */
const STILL_OPEN = ['new', 'assigned', 'awaiting_second', 'failed', 'needs_check'] as const;
const MAX_TAGS = 20;
const TAG_RE = /^[\p{L}\p{N}][\p{L}\p{N} _-]{0,31}$/u;

/** People an item can be assigned to: everyone whose role may respond. */
export function assignees(ctx: AppContext): Array<{ name: string; role: string }> {
  return ctx.config.users.filter((u) => can(u.role, 'edit')).map((u) => ({ name: u.name, role: u.role }));
}

/** @names in a note that are users (case-insensitive match, the user's own spelling kept). */
export function mentionedUsers(ctx: AppContext, body: string): string[] {
  const byLower = new Map(ctx.config.users.map((u) => [u.name.toLowerCase(), u.name]));
  const found = new Set<string>();
  for (const m of body.matchAll(/(?:^|[^\w@])@([\w.-]{1,64})/gu)) {
    const name = byLower.get((m[1] ?? '').toLowerCase().replace(/[.-]+$/, ''));
    if (name) found.add(name);
  }
  return [...found];
}

export async function addItemNote(ctx: AppContext, actor: Actor, id: string, body: string): Promise<Note> {
  authorize(actor, 'edit');
  await mustGet(ctx, id);
  const note = await addNote(ctx.db, id, actor.name, body, mentionedUsers(ctx, body));
  await announce(ctx, { action: 'note.added', ids: [id] });
  return note;
}

export function normaliseTag(raw: string): string {
  const tag = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!TAG_RE.test(tag)) throw new ActionError(422, 'a tag is 1-32 letters, digits, spaces, "-" or "_", starting with a letter or digit');
  return tag;
}

export async function tagItem(ctx: AppContext, actor: Actor, id: string, raw: string, on: boolean): Promise<string[]> {
  authorize(actor, 'edit');
  await mustGet(ctx, id);
  const tag = normaliseTag(raw);
  if (on) {
    const tags = await tagsOf(ctx.db, id);
    if (!tags.includes(tag) && tags.length >= MAX_TAGS) throw new ActionError(422, `an item holds at most ${MAX_TAGS} tags`);
    await addTag(ctx.db, id, tag, actor.name);
  } else {
    await removeTag(ctx.db, id, tag, actor.name);
  }
  await announce(ctx, { action: on ? 'tag.added' : 'tag.removed', ids: [id] });
  return tagsOf(ctx.db, id);
}

export async function linkConversation(ctx: AppContext, actor: Actor, id: string, others: string[]): Promise<string> {
  authorize(actor, 'edit');
  const found = await getItems(ctx.db, [id, ...others]);
  const missing = [id, ...others].find((x) => !found.some((i) => i.id === x));
  if (missing) throw new ActionError(404, `no inbox item ${missing}`);
  const conversation = await linkItems(ctx.db, id, others, actor.name);
  await announce(ctx, { action: 'conversation.linked', ids: [id, ...others] });
  return conversation;
}

export async function unlinkConversation(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  authorize(actor, 'edit');
  await unlinkItem(ctx.db, id, actor.name);
  await announce(ctx, { action: 'conversation.unlinked', ids: [id] });
}

/**
 * After answering `id`: the same person's other items are closed as answered there, and linked
 * to it, so nobody answers them a second time. Items someone already moved on are skipped.
 */
export async function closeAsAnswered(
  ctx: AppContext,
  actor: Actor,
  id: string,
  others: string[],
): Promise<{ closed: string[]; skipped: Array<{ id: string; why: string }> }> {
  authorize(actor, 'reject');
  await mustGet(ctx, id);
  const closed: string[] = [];
  const skipped: Array<{ id: string; why: string }> = [];
  for (const other of others.filter((o) => o !== id)) {
    try {
      await rejectItem(ctx, actor, other, `answered in ${id}`);
      closed.push(other);
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      skipped.push({ id: other, why: err.message });
    }
  }
  if (closed.length) await linkItems(ctx.db, id, closed, actor.name);
  return { closed, skipped };
}

/** What the item page shows beside the item itself; reading it marks my mentions there as seen. */
/** Rejecting these takes an explicit confirmation in the UI: no one-key reject of a safety report. */
export function rejectNeedsConfirmation(ctx: AppContext, item: InboxItem): boolean {
  return item.priority === 'urgent' || item.urgency >= ctx.config.triage.urgentThreshold || item.category === 'safety_legal_press';
}

export async function teamView(ctx: AppContext, actor: Actor, id: string) {
  const item = await mustGet(ctx, id);
  const [notes, tags, conversation, authorOpen, presence] = await Promise.all([
    notesOf(ctx.db, id),
    tagsOf(ctx.db, id),
    conversationOf(ctx.db, id),
    authorOpenItems(ctx.db, id, STILL_OPEN),
    presenceOn(ctx, id),
  ]);
  await markMentionsSeen(ctx.db, id, actor.name);
  return {
    notes,
    tags,
    conversation,
    authorOpen,
    presence,
    assignees: assignees(ctx),
    confirmReject: rejectNeedsConfirmation(ctx, item),
    undoSeconds: ctx.config.inbox.undoSeconds,
  };
}

export async function presenceBeat(ctx: AppContext, actor: Actor, id: string, state: PresenceState | 'gone'): Promise<PresenceEntry[]> {
  authorize(actor, state === 'typing' ? 'edit' : 'read');
  await mustGet(ctx, id);
  return heartbeat(ctx, id, actor.name, state);
}
