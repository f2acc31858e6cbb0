import { createReadStream, existsSync } from 'node:fs';
import { appendFile, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { strict } from '../../config/strict.js';
import { PermanentError } from '../../http/errors.js';
import { parseLine } from './lines.js';
import { defineConnector, type FetchResult, type RejectedItem, type ReplyResult } from '../types.js';
import type { Mention } from '../../mention.js';

const Options = strict({
  /** JSONL file to follow; relative paths are resolved from the config file's folder. */
  path: z.string().min(1),
  /** Platform name stamped on lines that do not carry their own. */
  platform: z.string().min(1).default('file'),
  /** Where approved replies are appended as JSONL (for exports and the demo); without it the source is read-only. */
  outbox: z.string().min(1).optional(),
  maxLinesPerPoll: z.number().int().positive().default(2000),
  /**
   * For demos only: move every post's time by one offset so the file's newest post is two minutes
   * old when the source first reads it (order and gaps kept). Real imports keep their own times.
   */
  shiftTimesToNow: z.boolean().default(false),
});
type FileOptions = z.infer<typeof Options>;

const Cursor = z.object({
  offset: z.number().int().nonnegative(),
  line: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
});
type FileCursor = z.infer<typeof Cursor>;

function readCursor(raw: string | null): FileCursor {
  const parsed = raw ? Cursor.safeParse(JSON.parse(raw)) : null;
  return parsed?.success ? parsed.data : { offset: 0, line: 0, size: 0 };
}

/** Reads whole lines from `offset`; a last line without its newline is left for the next poll (still being written). */
async function readLines(
  file: string,
  cursor: FileCursor,
  max: number,
): Promise<{ lines: Array<{ no: number; text: string }>; next: FileCursor }> {
  const info = await stat(file);
  // A file that shrank was replaced or rotated: start over; the store's dedupe drops what we saw before.
  const start = info.size < cursor.size || info.size < cursor.offset ? { offset: 0, line: 0, size: 0 } : cursor;
  if (info.size === start.offset) return { lines: [], next: { ...start, size: info.size } };
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(file, { start: start.offset })) chunks.push(chunk as Buffer);
  const buf = Buffer.concat(chunks);
  const lines: Array<{ no: number; text: string }> = [];
  let pos = 0;
  let lineNo = start.line;
  while (lines.length < max) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl === -1) break;
    lineNo += 1;
    const text = buf.subarray(pos, nl).toString('utf8').trim();
    if (text) lines.push({ no: lineNo, text });
    pos = nl + 1;
  }
  return { lines, next: { offset: start.offset + pos, line: lineNo, size: info.size } };
}

async function appendReply(outbox: string, mention: Mention, text: string, key: string): Promise<ReplyResult> {
  const existing = await readFile(outbox, 'utf8').catch(() => '');
  const replyId = `reply-${key}`;
  // The key makes a replay after a crash find the reply it already wrote instead of writing a second one.
  if (!existing.includes(`"replyId":"${replyId}"`)) {
    const record = {
      replyId,
      inReplyTo: mention.nativeId,
      platform: mention.platform,
      to: mention.author.handle,
      text,
      at: new Date().toISOString(),
    };
    await appendFile(outbox, `${JSON.stringify(record)}\n`, 'utf8');
  }
  return { replyId, url: null };
}

const SHIFT_NEWEST_AGE_MS = 2 * 60_000;

/** The offset that makes the file's newest createdAt two minutes before `now` (0 when no line has one). */
async function shiftOffset(file: string, now: number): Promise<number> {
  const text = await readFile(file, 'utf8');
  let newest = -Infinity;
  for (const line of text.split('\n')) {
    const match = /"createdAt"\s*:\s*"([^"]+)"/.exec(line);
    const t = match ? Date.parse(match[1] as string) : NaN;
    if (Number.isFinite(t) && t > newest) newest = t;
  }
  return Number.isFinite(newest) ? now - SHIFT_NEWEST_AGE_MS - newest : 0;
}

function shifted(mention: Mention, offset: number): Mention {
  if (!offset) return mention;
  const t = Date.parse(mention.createdAt);
  return Number.isFinite(t) ? { ...mention, createdAt: new Date(t + offset).toISOString() } : mention;
}

export const fileConnector = defineConnector({
  kind: 'file',
  optionsSchema: Options,
  capabilities: { poll: true, stream: false, reply: true, idempotentReply: true, followers: true, rateLimit: 'none' },
  // A mistyped path would otherwise fail every poll with nobody told until the source alert.
  checkOptions(options, env) {
    const file = path.resolve(env.baseDir, options.path);
    return existsSync(file)
      ? []
      : [`path: ${file} does not exist; fix the path (relative paths start from the config file's folder) or create the file`];
  },
  create(ctx) {
    const options: FileOptions = ctx.options;
    const file = path.resolve(ctx.baseDir, options.path);
    const target = { platform: options.platform, sourceId: ctx.source.id, brandId: ctx.source.brand };
    // Fixed for this process once the file is first read, so lines appended later keep their gaps.
    let offset: number | null = options.shiftTimesToNow ? null : 0;
    return {
      async fetch(rawCursor): Promise<FetchResult> {
        offset ??= await shiftOffset(file, Date.now()).catch(() => 0);
        const { lines, next } = await readLines(file, readCursor(rawCursor), options.maxLinesPerPoll).catch(
          (err: NodeJS.ErrnoException) => {
            throw new PermanentError(`cannot read ${file} (${err.code ?? err.message}); fix sources[].options.path for "${ctx.source.id}"`);
          },
        );
        const mentions: Mention[] = [];
        const rejected: RejectedItem[] = [];
        for (const line of lines) {
          const result = parseLine(line.text, line.no, target);
          if ('mention' in result) mentions.push(shifted(result.mention, offset));
          else rejected.push(result.rejected);
        }
        return { mentions, rejected, cursor: JSON.stringify(next) };
      },
      async reply(mention, text, { idempotencyKey }) {
        if (!options.outbox) throw new PermanentError(`source "${ctx.source.id}" has no options.outbox, so it cannot take replies`);
        return appendReply(path.resolve(ctx.baseDir, options.outbox), mention, text, idempotencyKey);
      },
    };
  },
});
