import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { mustGet } from '../inbox/actions.js';
import { addItemNote, closeAsAnswered, linkConversation, presenceBeat, tagItem, teamView, unlinkConversation } from '../inbox/together.js';
import { reopenItem, undoApproval } from '../inbox/undo.js';
import { checkReply, type ReplyCheck } from '../playbook/reply-limits.js';
import { loadMentions } from '../store/mentions.js';
import { mentionsOf, type Note } from '../store/notes.js';
import { presenceAll, type PresenceEntry } from '../store/presence.js';
import { allTags } from '../store/tags.js';
import { actorOf, requireRole } from './auth.js';
import type { ItemAnswer } from './routes-actions.js';
import { ItemParams, parseInput } from './routes-common.js';
import type { OkAnswer } from './routes-session.js';

const ItemId = ItemParams.shape.id;
const NoteBody = z.object({ body: z.string().trim().min(1).max(4000) });
const TagBody = z.object({ tag: z.string().min(1).max(64) });
const TagParams = ItemParams.extend({ tag: z.string().min(1).max(64) });
const IdsBody = z.object({ ids: z.array(ItemId).min(1).max(50) });
const PresenceBody = z.object({ state: z.enum(['viewing', 'typing', 'gone']) });
const PreviewBody = z.object({ text: z.string().max(5000) });

/** Notes, tags, the linked conversation, the author's other open items and who else is on the item. */
export type TeamAnswer = Awaited<ReturnType<typeof teamView>>;
export interface NoteAnswer {
  note: Note;
}
export interface TagsAnswer {
  tags: string[];
}
export interface ConversationAnswer {
  conversation: string;
}
export type CloseAnsweredAnswer = Awaited<ReturnType<typeof closeAsAnswered>>;
export interface PresenceBeatAnswer {
  presence: PresenceEntry[];
}
export type ReplyPreviewAnswer = ReplyCheck;
/** Who is on which item, by item id. */
export interface PresenceAnswer {
  items: Record<string, PresenceEntry[]>;
}
export interface TagListAnswer {
  tags: Array<{ tag: string; items: number }>;
}
/** Notes that mention the signed-in user. */
export type MentionsAnswer = Awaited<ReturnType<typeof mentionsOf>>;

/**
 * The item page's safety nets and team work: undo an approval, reopen, notes, tags,
 * conversations, presence, the reply as posted. Role checks run before the body is parsed and
 * again inside the actions.
 */
export function registerItemRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.post('/items/:id/undo', { onRequest: requireRole('approve') }, async (request): Promise<ItemAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    return { item: await undoApproval(ctx, actorOf(request), id) };
  });

  api.post('/items/:id/reopen', { onRequest: requireRole('reject') }, async (request): Promise<ItemAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    return { item: await reopenItem(ctx, actorOf(request), id) };
  });

  api.get('/items/:id/team', { onRequest: requireRole('read') }, async (request): Promise<TeamAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    return teamView(ctx, actorOf(request), id);
  });

  api.post('/items/:id/notes', { onRequest: requireRole('edit') }, async (request): Promise<NoteAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const { body } = parseInput(NoteBody, request.body, 'body');
    return { note: await addItemNote(ctx, actorOf(request), id, body) };
  });

  api.post('/items/:id/tags', { onRequest: requireRole('edit') }, async (request): Promise<TagsAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const { tag } = parseInput(TagBody, request.body, 'body');
    return { tags: await tagItem(ctx, actorOf(request), id, tag, true) };
  });

  api.delete('/items/:id/tags/:tag', { onRequest: requireRole('edit') }, async (request): Promise<TagsAnswer> => {
    const { id, tag } = parseInput(TagParams, request.params, 'params');
    return { tags: await tagItem(ctx, actorOf(request), id, tag, false) };
  });

  // The draft being typed, rendered and counted the platform's way (the live counter).
  api.post('/items/:id/preview', { onRequest: requireRole('read') }, async (request): Promise<ReplyPreviewAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const { text } = parseInput(PreviewBody, request.body, 'body');
    const item = await mustGet(ctx, id);
    const stored = (await loadMentions(ctx.db, [id])).get(id);
    const target = {
      platform: item.platform,
      sourceId: item.sourceId,
      replyRef: stored?.mention.replyRef,
      authorHandle: stored?.mention.author.handle,
    };
    return checkReply(target, text, ctx.config.inbox.replyLimits);
  });

  registerConversationRoutes(api, ctx);
}

/** Conversations across items, presence on the item page, tags and @mentions of the person signed in. */
function registerConversationRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.post('/items/:id/link', { onRequest: requireRole('edit') }, async (request): Promise<ConversationAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const { ids } = parseInput(IdsBody, request.body, 'body');
    return { conversation: await linkConversation(ctx, actorOf(request), id, ids) };
  });

  api.post('/items/:id/unlink', { onRequest: requireRole('edit') }, async (request): Promise<OkAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    await unlinkConversation(ctx, actorOf(request), id);
    return { ok: true };
  });

  api.post('/items/:id/close-answered', { onRequest: requireRole('reject') }, async (request): Promise<CloseAnsweredAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const { ids } = parseInput(IdsBody, request.body, 'body');
    return closeAsAnswered(ctx, actorOf(request), id, ids);
  });

  api.post('/items/:id/presence', { onRequest: requireRole('read') }, async (request): Promise<PresenceBeatAnswer> => {
    const { id } = parseInput(ItemParams, request.params, 'params');
    const { state } = parseInput(PresenceBody, request.body, 'body');
    return { presence: await presenceBeat(ctx, actorOf(request), id, state) };
  });

  api.get('/presence', { onRequest: requireRole('read') }, async (): Promise<PresenceAnswer> => ({ items: await presenceAll(ctx) }));
  api.get('/tags', { onRequest: requireRole('read') }, async (): Promise<TagListAnswer> => ({ tags: await allTags(ctx.db) }));
  api.get('/mentions', { onRequest: requireRole('read') }, async (request): Promise<MentionsAnswer> =>
    mentionsOf(ctx.db, actorOf(request).name),
  );
}
