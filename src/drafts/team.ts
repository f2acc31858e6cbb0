import type { AppContext } from '../context.js';
import { replyContext, sanitizeName } from '../playbook/draft.js';
import { pastReplies } from '../store/drafts.js';
import type { StoredMention } from '../store/mentions.js';
import { checkReply } from './guardrails.js';
import { teamReplies, tokens } from './retrieval.js';

export interface TeamAlternative {
  text: string;
  warnings: string[];
  detail: { answeredItem: string; postedAt: number; score: number };
}

/**
 * The team's past replies to similar posts of this brand, re-filled for this person. Text search
 * in PostgreSQL narrows to posts sharing words; BM25 in process ranks them.
 */
export async function teamAlternatives(ctx: AppContext, stored: StoredMention, top = 2): Promise<TeamAlternative[]> {
  const { mention, triage } = stored;
  const candidates = await pastReplies(ctx.db, mention.brandId, tokens(mention.text), mention.id);
  const name = sanitizeName(mention.author.name);
  const found = teamReplies(
    mention.text,
    { name, handle: `@${mention.author.handle.replace(/^@+/, '')}` },
    candidates.map((c) => ({
      post: c.post,
      reply: c.reply,
      name: c.authorName,
      handle: c.authorHandle,
      ref: { answeredItem: c.itemId, postedAt: c.postedAt },
    })),
    top,
  );
  const brand = ctx.directory.brand(mention.brandId);
  return found.map((f) => ({
    text: f.text,
    warnings:
      triage && brand
        ? checkReply(f.text, ctx.config.playbook, replyContext(mention, triage, brand))
        : checkReply(f.text, ctx.config.playbook),
    detail: { answeredItem: String(f.ref['answeredItem']), postedAt: Number(f.ref['postedAt']), score: Math.round(f.score * 100) / 100 },
  }));
}
