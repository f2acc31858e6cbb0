import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { ActionError } from '../inbox/actions.js';
import { bulkAction, BulkActions, type BulkResult } from '../inbox/bulk.js';
import { deleteView, listViews, saveView, MAX_VIEWS, type SavedView } from '../store/views.js';
import { actorOf, requireRole } from './auth.js';
import { parseInput } from './routes-common.js';

/** A page is at most 500 rows; a bulk change is one page (plus the groups on it, see `similar`). */
const MAX_BULK = 500;
const ItemId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected an item id');

const BulkBody = z.object({
  action: z.enum(BulkActions),
  ids: z.array(ItemId).min(1).max(MAX_BULK),
  similar: z.boolean().optional(),
  reason: z.string().trim().min(1).max(500).optional(),
  assignee: z.string().min(1).max(64).nullable().optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});

/** The queue filters a view may hold: the same names as /api/inbox's query and the page's hash. */
const ViewFilters = z
  .object({
    status: z.string().max(200),
    priority: z.enum(['urgent', 'normal']),
    brand: z.string().max(200),
    source: z.string().max(200),
    category: z.string().max(200),
    assignee: z.string().max(200),
    language: z.string().max(200),
    q: z.string().max(200),
    snoozed: z.enum(['0', '1']),
  })
  .partial()
  .strict();
const ViewBody = z.object({ name: z.string().trim().min(1).max(60), filters: ViewFilters });
const ViewParams = z.object({ id: z.string().regex(/^\d{1,18}$/, 'expected a view id') });

/** Per item: done (with its new status) or refused (with why); 200 even when some were refused. */
export interface BulkAnswer {
  results: BulkResult[];
  done: number;
  failed: number;
}
export interface ViewsAnswer {
  views: SavedView[];
}
export interface ViewAnswer {
  view: SavedView;
}
export interface ViewDeletedAnswer {
  deleted: string;
}

/**
 * POST /api/items/bulk: one action over many items, answered per item (200 even when some were
 * refused). Saved views: GET/POST /api/views, DELETE /api/views/:id, each person's own.
 */
export function registerBulkRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.post('/items/bulk', { onRequest: requireRole('assign') }, async (request): Promise<BulkAnswer> => {
    const body = parseInput(BulkBody, request.body, 'body');
    const results = await bulkAction(ctx, actorOf(request), {
      action: body.action,
      ids: body.ids,
      similar: body.similar ?? false,
      reason: body.reason,
      assignee: body.assignee,
      until: body.until === undefined ? undefined : Date.parse(body.until),
    });
    const done = results.filter((r) => r.ok).length;
    return { results, done, failed: results.length - done };
  });

  api.get('/views', { onRequest: requireRole('read') }, async (request): Promise<ViewsAnswer> => ({
    views: await listViews(ctx.db, actorOf(request).name),
  }));

  api.post('/views', { onRequest: requireRole('read') }, async (request): Promise<ViewAnswer> => {
    const body = parseInput(ViewBody, request.body, 'body');
    const filters = Object.fromEntries(
      Object.entries(body.filters).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
    );
    const view = await saveView(ctx.db, actorOf(request).name, body.name, filters);
    if (!view) throw new ActionError(409, `you already have ${MAX_VIEWS} saved views; delete one first`);
    return { view };
  });

  api.delete('/views/:id', { onRequest: requireRole('read') }, async (request): Promise<ViewDeletedAnswer> => {
    const { id } = parseInput(ViewParams, request.params, 'params');
    if (!(await deleteView(ctx.db, actorOf(request).name, id))) throw new ActionError(404, `no saved view ${id}`);
    return { deleted: id };
  });
}
