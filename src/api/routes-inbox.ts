import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import { shorten } from '../alerts/message.js';
import { ActionError, approvalRulesFor } from '../inbox/actions.js';
import type { Mention } from '../mention.js';
import { itemAudit } from '../store/audit.js';
import { authorHistory } from '../store/authors.js';
import { getItem, getItems, ItemStatuses, listItemIds, pruneIndex, type InboxItem, type ItemStatus } from '../store/inbox.js';
import { loadMentions, loadPreviews, PREVIEW_CHUNK, searchPattern, type MentionPreview } from '../store/mentions.js';
import type { TriageResult } from '../triage/types.js';
import { actorOf, requireRole } from './auth.js';
import { InFlightLimit } from './in-flight.js';
import { ItemParams, limitParam, OptionalText, parseInput } from './routes-common.js';

/** How far back the inbox looks; older items stay reachable by id. */
const SCAN = 2000;
/** Posts can be 40k characters; the list only needs enough to recognise one. */
const LIST_TEXT_MAX = 1000;
const HISTORY_TEXT_MAX = 500;
/**
 * Bytes of post text fetched per list item: LIST_TEXT_MAX characters in any script (at most 4
 * bytes each), plus one character, so a post cut in Redis is still longer than LIST_TEXT_MAX and
 * shorten() marks it as cut.
 */
const PREVIEW_BYTES = LIST_TEXT_MAX * 4 + 4;
const HISTORY_BYTES = HISTORY_TEXT_MAX * 4 + 4;
/**
 * Inbox lists in flight, per user and in all. One list holds at most SCAN items plus `limit`
 * previews of PREVIEW_BYTES (about 2 MB at limit=500), so these caps bound the heap it can take.
 */
const LISTS_PER_USER = 2;
const LISTS_TOTAL = 8;

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

/** Reads the newest items, dropping index entries whose item expired (retention) as it goes. */
async function recentItems(ctx: AppContext): Promise<InboxItem[]> {
  const ids = await listItemIds(ctx.redis, ctx.keys, SCAN);
  const items = await getItems(ctx.redis, ctx.keys, ids);
  const found = new Set(items.map((i) => i.id));
  await pruneIndex(ctx.redis, ctx.keys, ids.filter((id) => !found.has(id)));
  return items;
}

/** shorten() counts UTF-16 units and may cut an emoji in half; the orphaned half goes. */
function previewText(text: string, max: number): string {
  return shorten(text, max).replace(/[\uD800-\uDBFF](?=…$)/, '');
}

type Preview = { preview: MentionPreview; triage: TriageResult | null };
type Row = { item: InboxItem; found: Preview | undefined };

/** The page in chunks, so one request holds at most a chunk of previews beyond what it returns. */
async function pageOf(ctx: AppContext, items: InboxItem[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (let i = 0; i < items.length; i += PREVIEW_CHUNK) {
    const chunk = items.slice(i, i + PREVIEW_CHUNK);
    const previews = await loadPreviews(ctx.redis, ctx.keys, chunk.map((it) => it.id), { textBytes: PREVIEW_BYTES });
    for (const item of chunk) rows.push({ item, found: previews.get(item.id) });
  }
  return rows;
}

/**
 * Text search over every candidate, run inside Redis (see loadPreviews): whole posts never leave
 * it, and the scan stops once the page is full. The draft lives on the item, so it is checked here.
 */
async function searchOf(ctx: AppContext, items: InboxItem[], q: string, limit: number): Promise<Row[]> {
  const needle = q.toLowerCase();
  const pattern = searchPattern(q);
  const rows: Row[] = [];
  for (let i = 0; i < items.length && rows.length < limit; i += PREVIEW_CHUNK) {
    const chunk = items.slice(i, i + PREVIEW_CHUNK);
    const wanted = new Set(chunk.filter((it) => it.draft.toLowerCase().includes(needle)).map((it) => it.id));
    const previews = await loadPreviews(ctx.redis, ctx.keys, chunk.map((it) => it.id), { textBytes: PREVIEW_BYTES, pattern, wanted });
    for (const item of chunk) {
      const found = previews.get(item.id);
      if (found || wanted.has(item.id)) rows.push({ item, found });
    }
  }
  return rows.slice(0, limit);
}

export async function listInbox(ctx: AppContext, filter: InboxFilter) {
  const now = Date.now();
  const items = (await recentItems(ctx)).filter((i) => matchesItem(i, filter, now)).sort(compareItems);
  const rows = filter.q ? await searchOf(ctx, items, filter.q, filter.limit) : await pageOf(ctx, items.slice(0, filter.limit));
  return rows.map(({ item, found }) => ({
    item,
    mention: found ? { ...found.preview, text: previewText(found.preview.text, LIST_TEXT_MAX) } : null,
    triage: triageSummary(found?.triage ?? null),
  }));
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
    loadPreviews(ctx.redis, ctx.keys, events.filter((e) => e.kind === 'mention').map((e) => e.id), { textBytes: HISTORY_BYTES }),
    getItems(ctx.redis, ctx.keys, events.filter((e) => e.kind === 'reply').map((e) => e.id)),
  ]);
  const replyById = new Map(replies.map((r) => [r.id, r]));
  const history = events.map((e): HistoryEntry => {
    if (e.kind === 'mention') {
      const post = posts.get(e.id)?.preview;
      return post ? { ...e, text: previewText(post.text, HISTORY_TEXT_MAX), url: post.url } : e;
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
  const lists = new InFlightLimit(LISTS_PER_USER, LISTS_TOTAL);
  api.get('/inbox', { onRequest: requireRole('read') }, async (request, reply) => {
    const filter = parseInput(InboxQuery, request.query, 'query');
    return lists.run(actorOf(request).name, reply, async () => ({ items: await listInbox(ctx, filter) }));
  });

  api.get('/items/:id', { onRequest: requireRole('read') }, async (request) => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    return itemDetail(ctx, id);
  });
}
