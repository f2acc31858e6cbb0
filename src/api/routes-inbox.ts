import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import { shorten } from '../alerts/message.js';
import { ActionError, approvalRulesFor } from '../inbox/actions.js';
import type { Mention } from '../mention.js';
import { itemAudit } from '../store/audit.js';
import { authorHistory } from '../store/authors.js';
import { getItem, getItems, ItemStatuses, listItemIds, pruneIndex, type InboxItem, type ItemStatus } from '../store/inbox.js';
import { loadMentions, type StoredMention } from '../store/mentions.js';
import type { TriageResult } from '../triage/types.js';
import { requireRole } from './auth.js';
import { ItemParams, limitParam, OptionalText, parseInput } from './routes-common.js';

/** How far back the inbox looks; older items stay reachable by id. */
const SCAN = 2000;
/** Posts can be 40k characters; the list only needs enough to recognise one. */
const LIST_TEXT_MAX = 1000;
const HISTORY_TEXT_MAX = 500;

export const OPEN_STATUSES: readonly ItemStatus[] = ['new', 'assigned', 'awaiting_second', 'approved', 'publishing', 'needs_check', 'failed'];

const StatusList = z
  .string()
  .max(200)
  .optional()
  .transform((value, check): readonly ItemStatus[] => {
    if (!value || !value.trim()) return OPEN_STATUSES;
    if (value === 'all') return ItemStatuses;
    const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = parts.find((p) => !(ItemStatuses as readonly string[]).includes(p));
    if (unknown !== undefined) {
      check.addIssue({ code: 'custom', message: `unknown status "${shorten(unknown, 40)}"; use ${ItemStatuses.join(', ')} (comma-separated) or all` });
      return z.NEVER;
    }
    return parts as ItemStatus[];
  });

const InboxQuery = z.object({
  status: StatusList,
  priority: z.enum(['urgent', 'normal']).optional(),
  brand: OptionalText,
  source: OptionalText,
  category: OptionalText,
  assignee: OptionalText,
  q: OptionalText,
  /** Snoozed items are hidden until their time comes, unless asked for (1: include them). */
  snoozed: z.enum(['0', '1']).optional(),
  limit: limitParam(100, 500),
});
type InboxFilter = z.infer<typeof InboxQuery>;

export function mentionSummary(mention: Mention, maxText = Infinity) {
  const { author } = mention;
  return {
    platform: mention.platform,
    url: mention.url,
    text: Number.isFinite(maxText) ? shorten(mention.text, maxText) : mention.text,
    createdAt: mention.createdAt,
    author: { handle: author.handle, name: author.name, followers: author.followers, url: author.url },
  };
}

export function triageSummary(triage: TriageResult | null) {
  if (!triage) return null;
  return { sentiment: triage.sentiment, complaint: triage.complaint, urgency: triage.urgency, category: triage.category, reasons: triage.reasons };
}

/** Urgent first, then the SLA that runs out soonest, then the newest post. */
export function compareItems(a: InboxItem, b: InboxItem): number {
  const rank = (i: InboxItem) => (i.priority === 'urgent' ? 0 : 1);
  return rank(a) - rank(b) || a.slaDueAt - b.slaDueAt || b.createdAt - a.createdAt;
}

function matchesItem(item: InboxItem, f: InboxFilter, now: number): boolean {
  return (
    f.status.includes(item.status) &&
    (f.snoozed === '1' || item.snoozedUntil === null || item.snoozedUntil <= now) &&
    (!f.priority || item.priority === f.priority) &&
    (!f.brand || item.brandId === f.brand) &&
    (!f.source || item.sourceId === f.source) &&
    (!f.category || item.category === f.category) &&
    (!f.assignee || item.assignee === f.assignee)
  );
}

function matchesText(item: InboxItem, stored: StoredMention | undefined, q: string): boolean {
  const needle = q.toLowerCase();
  const m = stored?.mention;
  const haystack = [item.draft, m?.text, m?.author.handle, m?.author.name];
  return haystack.some((s) => s !== undefined && s.toLowerCase().includes(needle));
}

/** Reads the newest items, dropping index entries whose item expired (retention) as it goes. */
async function recentItems(ctx: AppContext): Promise<InboxItem[]> {
  const ids = await listItemIds(ctx.redis, ctx.keys, SCAN);
  const items = await getItems(ctx.redis, ctx.keys, ids);
  const found = new Set(items.map((i) => i.id));
  await pruneIndex(ctx.redis, ctx.keys, ids.filter((id) => !found.has(id)));
  return items;
}

export async function listInbox(ctx: AppContext, filter: InboxFilter) {
  const now = Date.now();
  let items = (await recentItems(ctx)).filter((i) => matchesItem(i, filter, now)).sort(compareItems);
  // Without a text search only the page needs its mentions; with one, every candidate does.
  if (!filter.q) items = items.slice(0, filter.limit);
  const mentions = await loadMentions(ctx.redis, ctx.keys, items.map((i) => i.id));
  const q = filter.q;
  if (q) items = items.filter((i) => matchesText(i, mentions.get(i.id), q)).slice(0, filter.limit);
  return items.map((item) => {
    const stored = mentions.get(item.id);
    return { item, mention: stored ? mentionSummary(stored.mention, LIST_TEXT_MAX) : null, triage: triageSummary(stored?.triage ?? null) };
  });
}

function authorProfile(raw: Record<string, string>) {
  if (!raw['handle']) return null;
  const num = (k: string) => (raw[k] === undefined || raw[k] === '' ? null : Number(raw[k]));
  const followers = num('followers');
  return {
    handle: raw['handle'],
    name: raw['name'] ?? '',
    platform: raw['platform'] ?? '',
    url: raw['url'] || null,
    // Ingest stores -1 for "platform did not say".
    followers: followers !== null && followers >= 0 ? followers : null,
    mentions: num('mentions') ?? 0,
    complaints: num('complaints') ?? 0,
    replies: num('replies') ?? 0,
    firstSeen: num('firstSeen'),
    lastSeen: num('lastSeen'),
  };
}

export interface HistoryEntry {
  kind: 'mention' | 'reply';
  at: number;
  id: string;
  text?: string;
  url?: string | null;
}

async function authorSection(ctx: AppContext, mention: Mention) {
  const { profile, events } = await authorHistory(ctx.redis, ctx.keys, { platform: mention.platform, authorId: mention.author.id });
  const [posts, replies] = await Promise.all([
    loadMentions(ctx.redis, ctx.keys, events.filter((e) => e.kind === 'mention').map((e) => e.id)),
    getItems(ctx.redis, ctx.keys, events.filter((e) => e.kind === 'reply').map((e) => e.id)),
  ]);
  const replyById = new Map(replies.map((r) => [r.id, r]));
  const history = events.map((e): HistoryEntry => {
    if (e.kind === 'mention') {
      const post = posts.get(e.id)?.mention;
      return post ? { ...e, text: shorten(post.text, HISTORY_TEXT_MAX), url: post.url } : e;
    }
    const reply = replyById.get(e.id);
    return reply ? { ...e, text: shorten(reply.draft, HISTORY_TEXT_MAX), url: reply.replyUrl } : e;
  });
  return { profile: authorProfile(profile), history };
}

export async function itemDetail(ctx: AppContext, id: string) {
  const item = await getItem(ctx.redis, ctx.keys, id);
  if (!item) throw new ActionError(404, `no inbox item ${id}`);
  const [stored, audit] = await Promise.all([
    loadMentions(ctx.redis, ctx.keys, [id]).then((m) => m.get(id)),
    itemAudit(ctx.redis, ctx.keys, item),
  ]);
  // The mention can expire before the item when retention changed in between; the item still shows.
  const [author, approverNeeded] = await Promise.all([stored ? authorSection(ctx, stored.mention) : null, approvalRulesFor(ctx, item)]);
  const approval = { approverNeeded, twoApprovals: ctx.config.approval.twoApprovals };
  return { item, mention: stored ? mentionSummary(stored.mention) : null, triage: triageSummary(stored?.triage ?? null), author, audit, approval };
}

export function registerInboxRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get('/inbox', { onRequest: requireRole('read') }, async (request) => {
    const filter = parseInput(InboxQuery, request.query, 'query');
    return { items: await listInbox(ctx, filter) };
  });

  api.get('/items/:id', { onRequest: requireRole('read') }, async (request) => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    return itemDetail(ctx, id);
  });
}
