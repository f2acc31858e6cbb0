import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { auditPage, auditRows, type AuditEntry } from '../store/audit.js';
import { describeAudit, KNOWN_ACTIONS } from './audit-text.js';
import { mentionRows } from '../store/export.js';
import { BadSearchCursorError, searchMentions, SearchTooBroadError, type SearchHit } from '../store/search.js';
import { requireRole } from './auth.js';
import { csvStream } from './csv-out.js';
import { mentionSummary, triageSummary, type QueueRowAnswer } from './routes-inbox.js';
import { InputError, limitParam, OptionalText, parseInput } from './routes-common.js';

const Millis = z.coerce.number().int().min(0).optional();

const SearchQuery = z.object({
  q: z.string().trim().min(1, 'expected something to search for').max(200),
  brand: OptionalText,
  source: OptionalText,
  from: Millis,
  to: Millis,
  cursor: z.string().max(400).optional(),
  limit: limitParam(50, 200),
});

const AuditQuery = z.object({
  itemId: OptionalText,
  actor: OptionalText,
  action: OptionalText,
  from: Millis,
  to: Millis,
  cursor: z.string().max(40).optional(),
  limit: limitParam(100, 500),
});
const ExportQuery = z.object({ brand: OptionalText, from: Millis, to: Millis });

const LIST_TEXT_MAX = 1000;

export interface SearchAnswer {
  results: Array<{
    id: string;
    mention: NonNullable<QueueRowAnswer['mention']>;
    triage: QueueRowAnswer['triage'];
    item: SearchHit['item'];
  }>;
  /** Every match when `totalExact`; otherwise an estimate ("about"). */
  total: number;
  totalExact: boolean;
  next: string | null;
}
/** An audit entry with the sentence the page shows for it. */
export type AuditLine = AuditEntry & { id: string; text: string };
export interface AuditPageAnswer {
  entries: AuditLine[];
  total: number;
  next: string | null;
  /** What the filters offer: people and Earshot's own actors, and every action kind. */
  filters: { actors: string[]; actions: readonly string[] };
}

/** Search over every stored post, the audit log with filters and paging, and CSV exports of both. */
export function registerSearchRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get('/search', { onRequest: requireRole('read') }, async (request): Promise<SearchAnswer> => {
    const query = parseInput(SearchQuery, request.query, 'query');
    try {
      const { hits, total, totalExact, next } = await searchMentions(ctx.db, { ...query });
      const results = hits.map((h) => ({
        id: h.stored.mention.id,
        mention: mentionSummary(h.stored.mention, LIST_TEXT_MAX),
        triage: triageSummary(h.stored.triage),
        item: h.item,
      }));
      return { results, total, totalExact, next };
    } catch (err) {
      if (err instanceof BadSearchCursorError || err instanceof SearchTooBroadError) throw new InputError(err.message);
      throw err;
    }
  });

  api.get('/audit/page', { onRequest: requireRole('audit') }, async (request): Promise<AuditPageAnswer> => {
    const q = parseInput(AuditQuery, request.query, 'query');
    const page = await auditPage(ctx.db, {
      itemId: q.itemId,
      actor: q.actor,
      action: q.action,
      from: q.from,
      to: q.to,
      before: q.cursor,
      limit: q.limit,
    });
    // What the filters offer: people from the config plus Earshot's own actors, and every kind with a sentence.
    const filters = { actors: [...ctx.directory.users.map((u) => u.name), 'earshot', 'slack', 'anonymous'], actions: KNOWN_ACTIONS };
    return { ...page, entries: page.entries.map((e) => ({ ...e, text: describeAudit(e) })), filters };
  });
  registerExports(api, ctx);
}

/** The mentions export's columns, in the order each row gives them. */
const MENTION_COLUMNS = [
  'id',
  'created_at',
  'platform',
  'source',
  'brand',
  'author',
  'url',
  'text',
  'sentiment',
  'category',
  'urgency',
  'item_status',
];

/** CSV exports of the audit log and of every stored post, streamed: the same filters as the pages. */
function registerExports(api: FastifyInstance, ctx: AppContext): void {
  api.get('/export/audit.csv', { onRequest: requireRole('audit') }, async (request, reply) => {
    const q = parseInput(AuditQuery, request.query, 'query');
    const rows = auditRows(ctx.db, { itemId: q.itemId, actor: q.actor, action: q.action, from: q.from, to: q.to });
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="earshot-audit.csv"');
    return reply.send(
      csvStream(['id', 'at', 'actor', 'action', 'item_id', 'summary', 'detail'], rows, (e) => [
        e.id,
        e.at,
        e.actor,
        e.action,
        e.itemId ?? '',
        describeAudit(e),
        e.detail ?? '',
      ]),
    );
  });

  api.get('/export/mentions.csv', { onRequest: requireRole('read') }, async (request, reply) => {
    const q = parseInput(ExportQuery, request.query, 'query');
    const rows = mentionRows(ctx.db, q);
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="earshot-mentions.csv"');
    return reply.send(
      csvStream(MENTION_COLUMNS, rows, (r) => [
        r.mention.id,
        r.mention.createdAt,
        r.mention.platform,
        r.mention.sourceId,
        r.mention.brandId,
        r.mention.author.handle,
        r.mention.url ?? '',
        r.mention.text,
        r.triage?.sentiment ?? '',
        r.triage?.category ?? '',
        r.triage?.urgency ?? '',
        r.itemStatus ?? '',
      ]),
    );
  });
}
