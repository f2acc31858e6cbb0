import type { AppContext } from '../context.js';
import type { Config } from '../config/load.js';
import { replyContext } from '../playbook/draft.js';
import { draftHistories, saveAlternatives, type Alternative } from '../store/drafts.js';
import { getItem } from '../store/inbox.js';
import { loadMentions, type StoredMention } from '../store/mentions.js';
import { checkReply } from './guardrails.js';
import { ModelClient, ModelError } from './model.js';
import { cleanModelText, draftPrompt, injectionAttempt, rewritePrompt, type RewriteStyle } from './prompt.js';
import { composeFor } from './redraft.js';
import { teamAlternatives } from './team.js';

/** One client per brand per config (its budget and cache live there); a new config gets new clients. */
const clients = new WeakMap<Config, Map<string, ModelClient>>();

export function modelFor(ctx: AppContext, brandId: string): ModelClient | null {
  const config = ctx.config.playbook.models[brandId];
  if (!config) return null;
  let byBrand = clients.get(ctx.config);
  if (!byBrand) clients.set(ctx.config, (byBrand = new Map()));
  let client = byBrand.get(brandId);
  if (!client) {
    client = new ModelClient(config, config.allowPrivateNetwork ? ctx.http.withPrivateNetwork() : ctx.http);
    byBrand.set(brandId, client);
  }
  return client;
}

/** Longest run of words the output shares with the post: an obeying model copies the injected order. */
function sharedRun(a: string, b: string): number {
  const wa = a.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const wb = new Set<string>();
  const words = b.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (let n = 6; n >= 1; n--) for (let i = 0; i + n <= words.length; i++) wb.add(words.slice(i, i + n).join(' '));
  let best = 0;
  for (let i = 0; i < wa.length; i++)
    for (let n = Math.min(6, wa.length - i); n > best; n--) if (wb.has(wa.slice(i, i + n).join(' '))) best = n;
  return best;
}

/** Guardrails plus the model-specific flags: the post tried to instruct the model, and the draft repeats it. */
export function checkModelText(text: string, stored: StoredMention, ctx: AppContext): string[] {
  const { mention, triage } = stored;
  const brand = ctx.directory.brand(mention.brandId);
  const warnings =
    triage && brand ? checkReply(text, ctx.config.playbook, replyContext(mention, triage, brand)) : checkReply(text, ctx.config.playbook);
  const attempt = injectionAttempt(mention.text);
  if (attempt) {
    warnings.push(`the post tries to instruct the drafting model ("${attempt}"); not followed, check this draft`);
    if (sharedRun(text, mention.text) >= 6)
      warnings.push("the model draft repeats the post's words at length; it may have followed the post");
  }
  return warnings;
}

export type ModelOutcome = { ok: true; alternative: Omit<Alternative, 'at'> } | { ok: false; why: string };

/**
 * Asks the brand's model for a draft and keeps it as an alternative. The composer's draft stays
 * the item's draft whatever happens here: a timeout, an error or the budget only means no model
 * alternative this time.
 */
export async function modelDraft(ctx: AppContext, itemId: string): Promise<ModelOutcome> {
  const item = await getItem(ctx.db, itemId);
  const stored = (await loadMentions(ctx.db, [itemId])).get(itemId);
  if (!item || !stored?.triage) return { ok: false, why: 'no such item' };
  const client = modelFor(ctx, item.brandId);
  const brand = ctx.directory.brand(item.brandId);
  if (!client || !brand) return { ok: false, why: 'no model configured for this brand' };
  const composed = await composeFor(ctx, stored);
  const [history] = await draftHistories(ctx.db, [
    { platform: stored.mention.platform, authorId: stored.mention.author.id, before: Date.parse(stored.mention.createdAt) },
  ]);
  const team = await teamAlternatives(ctx, stored, 2);
  const messages = draftPrompt({
    playbook: ctx.config.playbook,
    brand,
    post: stored.mention.text,
    authorName: stored.mention.author.name,
    triage: stored.triage,
    history: history ?? { priorMentions: 0, recentMentions: 0, repliesSent: 0, recentTexts: [] },
    composerDraft: composed?.text ?? item.draft,
    teamReplies: team.map((t) => t.text),
  });
  try {
    const text = cleanModelText(await client.complete(messages));
    const alternative = {
      source: 'model' as const,
      text,
      warnings: checkModelText(text, stored, ctx),
      detail: { model: client.config.model, leavesMachine: client.leavesMachine },
    };
    await saveAlternatives(ctx.db, [{ itemId, source: 'model', alternatives: [alternative] }]);
    return { ok: true, alternative };
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    ctx.log.warn({ item: itemId, kind: err.kind, why: err.message }, 'model draft failed; the composer draft stands');
    return { ok: false, why: err.message };
  }
}

/** "Shorter / warmer / more formal": the model rewrites a draft; the result is checked and offered, never applied by itself. */
export async function rewriteDraft(ctx: AppContext, itemId: string, text: string, style: RewriteStyle): Promise<ModelOutcome> {
  const item = await getItem(ctx.db, itemId);
  const stored = (await loadMentions(ctx.db, [itemId])).get(itemId);
  const brand = item ? ctx.directory.brand(item.brandId) : undefined;
  const client = item ? modelFor(ctx, item.brandId) : null;
  if (!item || !stored || !brand || !client) return { ok: false, why: 'no model configured for this brand' };
  try {
    const out = cleanModelText(
      await client.complete(rewritePrompt(ctx.config.playbook, brand, item.language ?? ctx.config.playbook.language, text, style)),
    );
    const alternative = {
      source: 'model' as const,
      text: out,
      warnings: checkModelText(out, stored, ctx),
      detail: { model: client.config.model, rewrite: style, leavesMachine: client.leavesMachine },
    };
    return { ok: true, alternative };
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    return { ok: false, why: err.message };
  }
}
