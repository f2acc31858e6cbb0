import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { InboxItem } from '../store/item-types.js';
import { approveItem, assignItem, editDraft, rejectItem, resendItem, snoozeItem } from '../inbox/actions.js';
import { actorOf, requireRole } from './auth.js';
import { ItemParams, parseInput } from './routes-common.js';

const DraftVersion = z.number().int().positive();

const DraftBody = z.object({ text: z.string().min(1).max(5000), draftVersion: DraftVersion });
const ApproveBody = z.object({ draftVersion: DraftVersion, acknowledgeWarnings: z.boolean().optional() });
const RejectBody = z.object({ reason: z.string().trim().min(1).max(500) });
const AssignBody = z.object({ assignee: z.string().min(1).max(64).nullable() });
/** until: an ISO time, or null to wake the item now. */
const SnoozeBody = z.object({ until: z.iso.datetime({ offset: true }).nullable() });

/** Every state change answers with the item as it now is. */
export interface ItemAnswer {
  item: InboxItem;
}

/**
 * State changes. The role check runs before the body is parsed (route onRequest); the action
 * functions check again, so a route added without a hook still cannot skip permissions.
 */
export function registerActionRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.put('/items/:id/draft', { onRequest: requireRole('edit') }, async (request): Promise<ItemAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const body = parseInput(DraftBody, request.body, 'body');
    return { item: await editDraft(ctx, actorOf(request), id, body.text, body.draftVersion) };
  });

  api.post('/items/:id/approve', { onRequest: requireRole('approve') }, async (request): Promise<ItemAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const body = parseInput(ApproveBody, request.body, 'body');
    const opts = { draftVersion: body.draftVersion, acknowledgeWarnings: body.acknowledgeWarnings ?? false };
    return { item: await approveItem(ctx, actorOf(request), id, opts) };
  });

  api.post('/items/:id/reject', { onRequest: requireRole('reject') }, async (request): Promise<ItemAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const body = parseInput(RejectBody, request.body, 'body');
    return { item: await rejectItem(ctx, actorOf(request), id, body.reason) };
  });

  api.post('/items/:id/assign', { onRequest: requireRole('assign') }, async (request): Promise<ItemAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const body = parseInput(AssignBody, request.body, 'body');
    return { item: await assignItem(ctx, actorOf(request), id, body.assignee) };
  });

  api.post('/items/:id/snooze', { onRequest: requireRole('snooze') }, async (request): Promise<ItemAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const body = parseInput(SnoozeBody, request.body, 'body');
    return { item: await snoozeItem(ctx, actorOf(request), id, body.until === null ? null : Date.parse(body.until)) };
  });

  // No body: the draft that goes out again is the one already approved.
  api.post('/items/:id/resend', { onRequest: requireRole('resend') }, async (request): Promise<ItemAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    return { item: await resendItem(ctx, actorOf(request), id) };
  });
}
