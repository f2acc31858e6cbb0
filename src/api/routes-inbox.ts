import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { shorten } from '../alerts/message.js';
import { ActionError, approvalRulesFor } from '../inbox/actions.js';
import type { Mention } from '../mention.js';
import { itemAudit } from '../store/audit.js';
import { authorHistory } from '../store/authors.js';
import { conversationIds } from '../store/conversations.js';
import { getItem, ItemStatuses, OPEN_STATUSES, type ItemStatus } from '../store/inbox.js';
import { BadCursorError, queuePage } from '../store/inbox-queue.js';
import { loadMentions } from '../store/mentions.js';
import type { TriageResult } from '../triage-types.js';
import { actorOf, requireRole } from './auth.js';
import { InFlightLimit } from './in-flight.js';
import { InputError, ItemParams, limitParam, OptionalText, parseInput } from './routes-common.js';

/** Posts can be 40k characters; the list only needs enough to recognise one. */
const LIST_TEXT_MAX = 1000;
const HISTORY_TEXT_MAX = 500;
/**
 * Inbox lists in flight, per user and in all: a viewer (or a script with a viewer token) firing
 * many searches at once gets 429s instead of piling work onto the database and the heap.
 */
const LISTS_PER_USER = 2;
const LISTS_TOTAL = 8;

/** shorten() counts UTF-16 units and may cut an emoji in half; the orphaned half goes. */
function previewText(text: string, max: number): string {
  return shorten(text, max).replace(/[\uD800-\uDBFF](?=…$)/, '');
}

const StatusList = z
  .string()
  .max(200)
  .optional()
  .transform((value, check): readonly ItemStatus[] => {
    if (!value || !value.trim()) return OPEN_STATUSES;
    if (value === 'all') return ItemStatuses;
    const parts = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = parts.find((p) => !(ItemStatuses as readonly string[]).includes(p));
    if (unknown !== undefined) {
      check.addIssue({
        code: 'custom',
        message: `unknown status "${shorten(unknown, 40)}"; use ${ItemStatuses.join(', ')} (comma-separated) or all`,
      });
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
  language: OptionalText,
  q: OptionalText,
  tag: OptionalText,
  /** `me`: items with a note that mentions the signed-in user. */
  mentioned: OptionalText,
  /** The `next` of the previous page. */
  cursor: z.string().max(400).optional(),
  /** Snoozed items are hidden until their time comes, unless asked for (1: include them). */
  snoozed: z.enum(['0', '1']).optional(),
  /** 1: one row per near-duplicate group, with `similar` counting the rest of it. */
  collapse: z.enum(['0', '1']).optional(),
  /** Only this item's near-duplicate group (the lead's id). */
  similarTo: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected an item id')
    .optional(),
  limit: limitParam(100, 500),
});
/** Language and cursor were added later; code that builds a filter by hand may leave them out. */
type InboxFilter = Omit<z.infer<typeof InboxQuery>, 'language' | 'cursor' | 'collapse' | 'similarTo' | 'tag' | 'mentioned'> & {
  language?: string | undefined;
  cursor?: string | undefined;
  collapse?: '0' | '1' | undefined;
  similarTo?: string | undefined;
  tag?: string | undefined;
  mentioned?: string | undefined;
};

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
  return {
    sentiment: triage.sentiment,
    complaint: triage.complaint,
    urgency: triage.urgency,
    category: triage.category,
    reasons: triage.reasons,
  };
}

/**
 * A page of the queue, every filter and the text search done by PostgreSQL on indexes, with the
 * exact number of matching items and the cursor of the next page.
 */
export async function inboxPage(ctx: AppContext, filter: InboxFilter) {
  let page;
  try {
    page = await queuePage(ctx.db, {
      statuses: filter.status,
      priority: filter.priority,
      brand: filter.brand,
      source: filter.source,
      category: filter.category,
      language: filter.language,
      assignee: filter.assignee,
      q: filter.q,
      tag: filter.tag?.toLowerCase(),
      mentioned: filter.mentioned,
      includeSnoozed: filter.snoozed === '1',
      limit: filter.limit,
      cursor: filter.cursor,
      collapse: filter.collapse === '1',
      similarTo: filter.similarTo,
      textChars: LIST_TEXT_MAX + 1,
      // Snoozes and the SLA-at-risk line are judged by the context's clock (a test moves it).
      now: ctx.now(),
    });
  } catch (err) {
    if (err instanceof BadCursorError) throw new InputError(err.message);
    throw err;
  }
  const linked = await conversationIds(
    ctx.db,
    page.rows.map((r) => r.item.id),
  );
  // The page query reads only the first LIST_TEXT_MAX + 1 characters of each post.
  const items = page.rows.map(({ item, stored, similar }) => ({
    item,
    similar,
    conversation: linked.get(item.id) ?? null,
    mention: stored ? { ...mentionSummary(stored.mention), text: previewText(stored.mention.text, LIST_TEXT_MAX) } : null,
    triage: triageSummary(stored?.triage ?? null),
  }));
  return { items, total: page.total, totalExact: page.totalExact, next: page.next };
}

export async function listInbox(ctx: AppContext, filter: InboxFilter) {
  return (await inboxPage(ctx, filter)).items;
}

async function authorSection(ctx: AppContext, mention: Mention) {
  const { profile, history } = await authorHistory(
    ctx.db,
    { platform: mention.platform, authorId: mention.author.id },
    50,
    HISTORY_TEXT_MAX + 1,
  );
  return { profile, history: history.map((h) => (h.text !== undefined ? { ...h, text: previewText(h.text, HISTORY_TEXT_MAX) } : h)) };
}

export async function itemDetail(ctx: AppContext, id: string) {
  const item = await getItem(ctx.db, id);
  if (!item) throw new ActionError(404, `no inbox item ${id}`);
  const [stored, audit] = await Promise.all([loadMentions(ctx.db, [id]).then((m) => m.get(id)), itemAudit(ctx.db, item)]);
  // The mention can expire before the item when retention changed in between; the item still shows.
  const [author, approverNeeded] = await Promise.all([stored ? authorSection(ctx, stored.mention) : null, approvalRulesFor(ctx, item)]);
  const approval = { approverNeeded, twoApprovals: ctx.config.approval.twoApprovals };
  return {
    item,
    mention: stored ? mentionSummary(stored.mention) : null,
    triage: triageSummary(stored?.triage ?? null),
    author,
    audit,
    approval,
  };
}

/** A page of the queue: rows, the exact count of matching items and the next page's cursor. */
export type QueuePageAnswer = Awaited<ReturnType<typeof inboxPage>>;
export type QueueRowAnswer = QueuePageAnswer['items'][number];
/** The item page: the item, its post, triage, the author's history, its audit trail and who may approve it. */
export type ItemDetailAnswer = Awaited<ReturnType<typeof itemDetail>>;

export function registerInboxRoutes(api: FastifyInstance, ctx: AppContext): void {
  const lists = new InFlightLimit(LISTS_PER_USER, LISTS_TOTAL);
  api.get('/inbox', { onRequest: requireRole('read') }, async (request, reply) => {
    const parsed = parseInput(InboxQuery, request.query, 'query');
    const filter = parsed.mentioned === 'me' ? { ...parsed, mentioned: actorOf(request).name } : parsed;
    return lists.run(actorOf(request).name, reply, () => inboxPage(ctx, filter));
  });

  api.get('/items/:id', { onRequest: requireRole('read') }, async (request): Promise<ItemDetailAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    return itemDetail(ctx, id);
  });
}
