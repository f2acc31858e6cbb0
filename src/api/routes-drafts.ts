import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { modelStatuses, offeredDrafts, type ModelStatus, type Offered, type SavedOffer } from '../drafts/alternatives.js';
import { rewriteDraft } from '../drafts/model-draft.js';
import { REWRITES, type RewriteStyle } from '../drafts/prompt.js';
import { ActionError } from '../inbox/actions.js';
import { listAlternatives, saveAlternatives, type Alternative } from '../store/drafts.js';
import { EDITABLE_STATUSES, getItem, transition, type InboxItem, type ItemStatus } from '../store/inbox.js';
import { actorOf, requireRole } from './auth.js';
import { ItemParams, parseInput } from './routes-common.js';

const OPEN: readonly ItemStatus[] = EDITABLE_STATUSES;
const UseBody = z.union([
  z
    .object({
      source: z.enum(['composer', 'team', 'model']),
      index: z.number().int().min(0).max(10),
      text: z.string().min(1).max(5000),
      draftVersion: z.number().int().positive(),
    })
    .strict(),
  z
    .object({
      source: z.literal('saved'),
      savedId: z.string().min(1).max(64),
      text: z.string().min(1).max(5000),
      draftVersion: z.number().int().positive(),
    })
    .strict(),
  z
    .object({
      source: z.literal('rewrite'),
      style: z.enum(Object.keys(REWRITES) as [RewriteStyle, ...RewriteStyle[]]),
      text: z.string().min(1).max(5000),
      draftVersion: z.number().int().positive(),
    })
    .strict(),
]);
const RewriteBody = z
  .object({ style: z.enum(Object.keys(REWRITES) as [RewriteStyle, ...RewriteStyle[]]), draftVersion: z.number().int().positive() })
  .strict();

/** The draft as it stands and what else is on offer: the composer's, the team's, the model's, saved replies. */
export interface DraftsAnswer {
  current: { source: InboxItem['draftTemplate']; edited: InboxItem['draftEdited']; draftVersion: number; status: ItemStatus };
  alternatives: Offered[];
  saved: SavedOffer[];
  /** The rewrite styles the brand's model offers; none without a model. */
  rewrites: string[];
  model: ModelStatus | null;
}
export interface RewriteAnswer {
  alternative: Omit<Alternative, 'at' | 'source'> & { source: 'rewrite'; style: RewriteStyle };
}
export interface ChosenDraftAnswer {
  item: InboxItem | null;
}
export interface DraftingAnswer {
  models: ModelStatus[];
  languages: string[];
  savedReplies: number;
  /** Snippet topics per language. */
  topics: Record<string, number>;
}

async function mustGet(ctx: AppContext, id: string) {
  const item = await getItem(ctx.db, id);
  if (!item) throw new ActionError(404, `no inbox item ${id}`);
  return item;
}

type Chosen = { text: string; warnings: string[]; source: string };

/** What the person chose, found again among what is offered now; undefined when it is no longer offered. */
async function findChosen(ctx: AppContext, item: InboxItem, body: z.infer<typeof UseBody>): Promise<Chosen | undefined> {
  if (body.source === 'rewrite') {
    const kept = (await listAlternatives(ctx.db, item.id)).find(
      (a) => a.source === 'rewrite' && a.detail['rewrite'] === body.style && a.text === body.text,
    );
    return kept ? { text: kept.text, warnings: kept.warnings, source: `model:${body.style}` } : undefined;
  }
  const offered = await offeredDrafts(ctx, item);
  if (body.source === 'saved') {
    const s = offered.saved.find((x) => x.id === body.savedId);
    return s ? { text: s.text, warnings: s.warnings, source: `saved:${s.id}` } : undefined;
  }
  const a = offered.alternatives.find((x) => x.source === body.source && x.index === body.index);
  return a ? { text: a.text, warnings: a.warnings, source: a.source } : undefined;
}

/** Kept (one per style) so that choosing it is checked against what the model said, from any API process. */
async function keepRewrite(
  ctx: AppContext,
  id: string,
  style: string,
  alternative: { text: string; warnings: string[]; detail: Record<string, unknown> },
): Promise<void> {
  const kept = (await listAlternatives(ctx.db, id)).filter((a) => a.source === 'rewrite' && a.detail['rewrite'] !== style);
  const { text, warnings, detail } = alternative;
  await saveAlternatives(ctx.db, [
    {
      itemId: id,
      source: 'rewrite',
      alternatives: [...kept.map((a) => ({ text: a.text, warnings: a.warnings, detail: a.detail })), { text, warnings, detail }],
    },
  ]);
}

/** Stores the alternative the person chose as the next draft version, if it is still offered as they saw it. */
async function useDraft(ctx: AppContext, id: string, body: z.infer<typeof UseBody>, actor: string): Promise<ChosenDraftAnswer> {
  const item = await mustGet(ctx, id);
  const chosen = await findChosen(ctx, item, body);
  if (!chosen || chosen.text !== body.text) throw new ActionError(409, 'that alternative is no longer offered; reload the item');
  const res = await transition(ctx, id, {
    from: OPEN,
    draftVersion: body.draftVersion,
    set: {
      draft: chosen.text,
      draftVersion: body.draftVersion + 1,
      draftTemplate: chosen.source,
      draftEdited: 0,
      draftWarnings: JSON.stringify(chosen.warnings),
    },
    actor,
    action: 'draft.chosen',
    detail: { draftVersion: body.draftVersion + 1, source: chosen.source, warnings: chosen.warnings },
  });
  if (!res.ok)
    throw new ActionError(
      409,
      res.why === 'stale'
        ? 'the draft changed since you loaded it; reload and choose again'
        : `cannot change the draft of an item that is ${res.status}`,
    );
  return { item: await getItem(ctx.db, id) };
}

/**
 * Alternatives, saved replies and model rewrites for an item. Choosing one sends back the text
 * the person saw; the server finds it again among what it offers now (so a client cannot pass
 * its own text off as the team's or the model's), then stores it as a new draft version.
 */
export function registerDraftRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get('/items/:id/drafts', { onRequest: requireRole('read') }, async (request): Promise<DraftsAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const item = await mustGet(ctx, id);
    const offered = await offeredDrafts(ctx, item);
    const model = modelStatuses(ctx).find((m) => m.brandId === item.brandId);
    return {
      current: { source: item.draftTemplate, edited: item.draftEdited, draftVersion: item.draftVersion, status: item.status },
      ...offered,
      rewrites: model?.model ? Object.keys(REWRITES) : [],
      model: model ?? null,
    };
  });

  api.post('/items/:id/drafts/rewrite', { onRequest: requireRole('edit') }, async (request): Promise<RewriteAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const body = parseInput(RewriteBody, request.body, 'body');
    const item = await mustGet(ctx, id);
    if (item.draftVersion !== body.draftVersion)
      throw new ActionError(409, 'the draft changed since you loaded it; reload and rewrite again');
    const out = await rewriteDraft(ctx, id, item.draft, body.style);
    if (!out.ok) throw new ActionError(422, `no rewrite: ${out.why}; the draft is unchanged`);
    await keepRewrite(ctx, id, body.style, out.alternative);
    return { alternative: { ...out.alternative, source: 'rewrite', style: body.style } };
  });

  api.post('/items/:id/drafts/use', { onRequest: requireRole('edit') }, async (request): Promise<ChosenDraftAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const body = parseInput(UseBody, request.body, 'body');
    return useDraft(ctx, id, body, actorOf(request).name);
  });

  api.get('/drafting', { onRequest: requireRole('read') }, async (): Promise<DraftingAnswer> => ({
    models: modelStatuses(ctx),
    languages: Object.keys(ctx.config.playbook.snippets),
    savedReplies: ctx.config.playbook.savedReplies.length,
    topics: Object.fromEntries(Object.entries(ctx.config.playbook.snippets).map(([lang, s]) => [lang, s.topics.length])),
  }));
}
