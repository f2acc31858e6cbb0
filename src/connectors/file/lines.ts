import { z } from 'zod';
import { toMention, type Mention } from '../../mention.js';
import { readItem } from '../shared/items.js';
import type { RejectedItem } from '../types.js';

/** One line of a JSONL export/backfill. Loose on optional fields, strict on what triage needs. */
export const FileLine = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  text: z.string(),
  createdAt: z.string(),
  url: z.string().nullish(),
  lang: z.string().nullish(),
  inReplyToId: z.string().nullish(),
  platform: z.string().min(1).optional(),
  rating: z.number().min(1).max(5).nullish(),
  author: z.object({
    id: z.union([z.string().min(1), z.number()]).transform(String),
    handle: z.string().min(1),
    name: z.string().default(''),
    followers: z.number().int().nonnegative().nullish(),
    url: z.string().nullish(),
  }),
  engagement: z
    .object({
      replies: z.number().int().nonnegative().default(0),
      reposts: z.number().int().nonnegative().default(0),
      likes: z.number().int().nonnegative().default(0),
    })
    .default({ replies: 0, reposts: 0, likes: 0 }),
});

export interface LineTarget {
  platform: string;
  sourceId: string;
  brandId: string;
}

/** Parses one JSONL line into a Mention, or says exactly why not (with the line number). */
export function parseLine(line: string, lineNo: number, target: LineTarget): { mention: Mention } | { rejected: RejectedItem } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { rejected: { reason: `line ${lineNo}: not valid JSON`, raw: line } };
  }
  return parseRecord(json, lineNo, target);
}

/** One already-decoded record (a JSON line, a CSV row as an object) into a Mention, or why not. */
export function parseRecord(json: unknown, lineNo: number, target: LineTarget): { mention: Mention } | { rejected: RejectedItem } {
  const item = readItem(json, FileLine, `line ${lineNo}`, (l) =>
    toMention({
      platform: l.platform ?? target.platform,
      sourceId: target.sourceId,
      brandId: target.brandId,
      nativeId: l.id,
      url: l.url ?? null,
      text: l.text,
      lang: l.lang ?? null,
      createdAt: l.createdAt,
      author: {
        id: l.author.id,
        handle: l.author.handle,
        name: l.author.name,
        followers: l.author.followers ?? null,
        url: l.author.url ?? null,
      },
      inReplyToId: l.inReplyToId ?? null,
      engagement: l.engagement,
      rating: l.rating ?? null,
      replyRef: {},
    }),
  );
  return item.ok ? { mention: item.mention } : { rejected: { reason: item.reason, raw: json } };
}
