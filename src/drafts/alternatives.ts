import type { AppContext } from '../context.js';
import { replyContext, sanitizeName } from '../playbook/draft.js';
import { listAlternatives } from '../store/drafts.js';
import type { InboxItem } from '../store/inbox.js';
import { loadMentions } from '../store/mentions.js';
import { fillSlots } from './fill.js';
import { checkReply } from './guardrails.js';
import { modelFor } from './model-draft.js';
import { composeFor } from './redraft.js';
import { teamAlternatives } from './team.js';

export interface Offered {
  source: 'composer' | 'team' | 'model';
  /** Position within its source, for choosing it again. */
  index: number;
  text: string;
  warnings: string[];
  detail: Record<string, unknown>;
}

export interface SavedOffer {
  id: string;
  title: string;
  text: string;
  warnings: string[];
}

/**
 * What the inbox offers besides the current draft: the composer's draft as things stand now,
 * up to two of the team's past replies re-filled, and the model's draft when one came back.
 * Computed when asked (opening an item), so routing stays one query per batch.
 */
export async function offeredDrafts(ctx: AppContext, item: InboxItem): Promise<{ alternatives: Offered[]; saved: SavedOffer[] }> {
  const stored = (await loadMentions(ctx.db, [item.id])).get(item.id);
  if (!stored) return { alternatives: [], saved: [] };
  const [composed, team, storedAlts] = await Promise.all([
    composeFor(ctx, stored),
    teamAlternatives(ctx, stored, 2),
    listAlternatives(ctx.db, item.id),
  ]);
  const alternatives: Offered[] = [];
  if (composed)
    alternatives.push({
      source: 'composer',
      index: 0,
      text: composed.text,
      warnings: composed.warnings,
      detail: { used: composed.used, language: composed.language },
    });
  team.forEach((t, index) => alternatives.push({ source: 'team', index, text: t.text, warnings: t.warnings, detail: t.detail }));
  storedAlts
    .filter((a) => a.source === 'model')
    .forEach((a, index) => alternatives.push({ source: 'model', index, text: a.text, warnings: a.warnings, detail: a.detail }));
  const brand = ctx.directory.brand(item.brandId);
  const name = sanitizeName(stored.mention.author.name);
  const values = { name: name || 'there', brand: brand?.name ?? '', handle: `@${stored.mention.author.handle.replace(/^@+/, '')}` };
  const lang = item.language ?? ctx.config.playbook.language;
  const saved = ctx.config.playbook.savedReplies
    .filter((s) => !s.language || s.language === lang)
    .map((s) => {
      const text = fillSlots(s.text, values);
      const warnings =
        stored.triage && brand
          ? checkReply(text, ctx.config.playbook, replyContext(stored.mention, stored.triage, brand))
          : checkReply(text, ctx.config.playbook);
      return { id: s.id, title: s.title, text, warnings };
    });
  return { alternatives, saved };
}

export interface ModelStatus {
  brandId: string;
  brandName: string;
  model: string | null;
  host: string | null;
  /** Post text is sent to another machine. */
  leavesMachine: boolean;
}

export function modelStatuses(ctx: AppContext): ModelStatus[] {
  return ctx.directory.brands.map((b) => {
    const client = modelFor(ctx, b.id);
    return client
      ? {
          brandId: b.id,
          brandName: b.name,
          model: client.config.model,
          host: new URL(client.config.baseUrl).host,
          leavesMachine: client.leavesMachine,
        }
      : { brandId: b.id, brandName: b.name, model: null, host: null, leavesMachine: false };
  });
}
