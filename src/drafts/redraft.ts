import type { AppContext } from '../context.js';
import { draftReply, type Draft } from '../playbook/draft.js';
import { draftHistories } from '../store/drafts.js';
import { EDITABLE_STATUSES, getItem, transition, type InboxItem, type ItemStatus } from '../store/inbox.js';
import { loadMentions, type StoredMention } from '../store/mentions.js';

const OPEN: readonly ItemStatus[] = EDITABLE_STATUSES;

/** The composer's draft for an item as things stand now (triage after corrections, history to date). */
export async function composeFor(ctx: AppContext, stored: StoredMention): Promise<Draft | null> {
  const { mention, triage } = stored;
  const brand = ctx.directory.brand(mention.brandId);
  if (!brand || !triage) return null;
  const [history] = await draftHistories(ctx.db, [
    { platform: mention.platform, authorId: mention.author.id, before: Date.parse(mention.createdAt) },
  ]);
  return draftReply({ mention, triage, brand, playbook: ctx.config.playbook, ...(history ? { history } : {}) });
}

export type RedraftOutcome = { redrafted: true; item: InboxItem } | { redrafted: false; why: string };

/**
 * Drafts again after a triage correction: the draft was written for the wrong category or
 * sentiment. A draft a person edited is theirs and stays; so does one already approved (its
 * approval was for that text) or sent.
 */
export async function redraftAfterCorrection(ctx: AppContext, actor: string, id: string): Promise<RedraftOutcome> {
  const item = await getItem(ctx.db, id);
  if (!item) return { redrafted: false, why: 'no such item' };
  if (item.draftEdited) return { redrafted: false, why: 'the draft was edited by hand; it is kept' };
  if (!OPEN.includes(item.status)) return { redrafted: false, why: `the item is ${item.status}` };
  const stored = (await loadMentions(ctx.db, [id])).get(id);
  const draft = stored ? await composeFor(ctx, stored) : null;
  if (!draft) return { redrafted: false, why: 'the post is no longer stored' };
  if (draft.text === item.draft) return { redrafted: false, why: 'the new draft is the same' };
  const res = await transition(ctx, id, {
    from: OPEN,
    draftVersion: item.draftVersion,
    set: {
      draft: draft.text,
      draftVersion: item.draftVersion + 1,
      draftTemplate: draft.template,
      draftWarnings: JSON.stringify(draft.warnings),
    },
    actor,
    action: 'draft.redrafted',
    detail: { draftVersion: item.draftVersion + 1, reason: 'triage corrected', source: draft.template, warnings: draft.warnings },
  });
  if (!res.ok) return { redrafted: false, why: `the item changed meanwhile (${res.why})` };
  const updated = await getItem(ctx.db, id);
  return updated ? { redrafted: true, item: updated } : { redrafted: false, why: 'no such item' };
}
