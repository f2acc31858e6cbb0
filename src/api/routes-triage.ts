import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { ActionError } from '../inbox/actions.js';
import { redraftAfterCorrection } from '../drafts/redraft.js';
import { appendAudit } from '../store/audit.js';
import { applyCorrection, saveCorrection, type Correction } from '../store/corrections.js';
import { getItem, type InboxItem } from '../store/inbox.js';
import { loadMentions } from '../store/mentions.js';
import { Categories } from '../triage-types.js';
import { actorOf, requireRole } from './auth.js';
import { ItemParams, parseInput } from './routes-common.js';

const CorrectionBody = z
  .object({
    sentiment: z.enum(['negative', 'neutral', 'positive']).optional(),
    complaint: z.boolean().optional(),
    category: z.enum(Categories).optional(),
  })
  .strict()
  .refine((b) => b.sentiment !== undefined || b.complaint !== undefined || b.category !== undefined, {
    message: 'give at least one of sentiment, complaint, category',
  });

/** The item relabelled, the correction as stored, and whether the draft was written again. */
export interface TriageCorrectionAnswer {
  item: InboxItem | null;
  correction: { labels: Correction['labels']; before: Correction['before']; actor: string; at: string };
  redraft: { redrafted: true } | { redrafted: false; why: string };
}

/**
 * A responder's correction of triage. Stored as a training label with a snapshot of the text
 * (see store/corrections.ts) for `npm run train -- --with-corrections`, shown in the inbox at
 * once, and audited. Corrections change labels only; urgency is left as computed.
 */
export function registerTriageRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.post('/items/:id/triage', { onRequest: requireRole('edit') }, async (request): Promise<TriageCorrectionAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const labels = parseInput(CorrectionBody, request.body, 'body');
    const actor = actorOf(request);
    const item = await getItem(ctx.db, id);
    if (!item) throw new ActionError(404, `no item ${id}`);
    const stored = (await loadMentions(ctx.db, [id])).get(id);
    if (!stored) throw new ActionError(404, `the post behind item ${id} has expired; its text is needed to learn from the correction`);
    const before = stored.triage
      ? { sentiment: stored.triage.sentiment, complaint: stored.triage.complaint, category: stored.triage.category }
      : null;
    const correction: Correction = {
      itemId: id,
      brandId: item.brandId,
      text: stored.mention.text,
      lang: stored.mention.lang,
      labels,
      before,
      actor: actor.name,
      at: new Date().toISOString(),
    };
    await saveCorrection(ctx.db, correction);
    await applyCorrection(ctx.db, id, labels, stored.triage);
    await appendAudit(ctx.db, actor.name, 'triage.corrected', id, { labels, before });
    // The draft was written for the old labels; a draft nobody edited is written again.
    const redraft = await redraftAfterCorrection(ctx, actor.name, id);
    return {
      item: await getItem(ctx.db, id),
      correction: { labels, before, actor: actor.name, at: correction.at },
      redraft: redraft.redrafted ? { redrafted: true } : { redrafted: false, why: redraft.why },
    };
  });
}
