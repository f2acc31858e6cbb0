import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../app/config.js';
import type { BrandConfig } from '../config/schema.js';
import { mentionId, type Mention } from '../mention.js';
import { readCsvRecords } from '../text/csv.js';
import { triage } from '../triage/index.js';
import type { TriageContext } from '../triage-types.js';
import { UsageError, type CliArgs } from './args.js';

/**
 * `earshot triage <file>`: scores a CSV or JSONL export offline and prints one JSON line per
 * post, in input order. No Redis: there is no author history, so repeat-contact parts are 0.
 */
export class TriageInputError extends UsageError {
  constructor(message: string) {
    super(message, 'triage');
  }
}

const NO_HISTORY: TriageContext['author'] = { priorMentions: 0, recentMentions: 0, priorComplaints: 0, repliesSent: 0 };

/** Loose on purpose: exports come from many tools; only `text` is required. */
const JsonPost = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  text: z.string(),
  lang: z.string().nullish(),
  rating: z.number().min(1).max(5).nullish(),
  createdAt: z.string().optional(),
  author: z.object({ handle: z.string().optional(), followers: z.number().int().nonnegative().nullish() }).optional(),
  engagement: z.object({ replies: z.number().optional(), reposts: z.number().optional(), likes: z.number().optional() }).optional(),
});
type JsonPost = z.infer<typeof JsonPost>;

interface Input {
  row: number;
  post?: JsonPost;
  error?: string;
}

function readCsvPosts(text: string, column: string): Input[] {
  const [head, ...records] = readCsvRecords(text);
  if (!head) return [];
  if (!('cells' in head)) throw new TriageInputError(`the CSV header cannot be read: ${head.error}`);
  const header = head.cells;
  const col = header.indexOf(column);
  if (col < 0)
    throw new TriageInputError(`no column "${column}" in the CSV; columns are: ${header.join(', ')} (choose one with --text-column)`);
  const idCol = header.findIndex((h) => h === 'id' || h === 'tweet_id');
  const ratingCol = header.indexOf('rating');
  return records.map((record, i) => {
    // A malformed row keeps its place in the output, with the line to look at, and the rest is scored.
    if (!('cells' in record)) return { row: i + 1, error: record.error };
    const cells = record.cells;
    const rating = ratingCol >= 0 ? Number(cells[ratingCol]) : NaN;
    const post: JsonPost = {
      text: cells[col] ?? '',
      ...(idCol >= 0 ? { id: cells[idCol] ?? '' } : {}),
      ...(rating >= 1 && rating <= 5 ? { rating } : {}),
    };
    return { row: i + 1, post };
  });
}

function readJsonlPosts(text: string): Input[] {
  const out: Input[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      out.push({ row: i + 1, error: 'not valid JSON' });
      return;
    }
    const parsed = JsonPost.safeParse(json);
    out.push(
      parsed.success
        ? { row: i + 1, post: parsed.data }
        : { row: i + 1, error: parsed.error.issues.map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; ') },
    );
  });
  return out;
}

function toMention(post: JsonPost, row: number, brandId: string): Mention {
  const native = String(post.id ?? row);
  return {
    id: mentionId('file', native),
    platform: 'file',
    sourceId: 'cli',
    brandId,
    nativeId: native,
    url: null,
    text: post.text,
    lang: post.lang ?? null,
    createdAt: post.createdAt ?? new Date(0).toISOString(),
    author: {
      id: post.author?.handle ?? 'unknown',
      handle: post.author?.handle ?? 'unknown',
      name: '',
      followers: post.author?.followers ?? null,
      url: null,
    },
    inReplyToId: null,
    engagement: { replies: post.engagement?.replies ?? 0, reposts: post.engagement?.reposts ?? 0, likes: post.engagement?.likes ?? 0 },
    rating: post.rating ?? null,
    replyRef: {},
  };
}

/** The brand from the config when there is one; otherwise the given name, masked as the brand's name and handle. */
function brandFor(args: CliArgs): BrandConfig {
  const id = args.brand ?? '';
  const file = path.resolve(args.config ?? process.env['EARSHOT_CONFIG'] ?? 'config/earshot.yaml');
  if (existsSync(file)) {
    try {
      const brands = loadConfig(file, process.env).brands;
      const found = id ? brands.find((b) => b.id === id || b.name.toLowerCase() === id.toLowerCase()) : brands[0];
      if (found) return found;
    } catch {
      // An unreadable config should not stop offline scoring; the brand falls back to its bare name.
    }
  }
  return { id: id || 'brand', name: id, keywords: [], handles: id ? [`@${id}`] : [], hashtags: [] };
}

function writeStdout(chunk: string): void {
  process.stdout.write(chunk);
}

// `earshot triage x.csv | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

export function runTriage(args: CliArgs, write: (chunk: string) => void = writeStdout): { scored: number; rejected: number } {
  const file = args.input ?? args.positionals[0];
  if (!file) throw new TriageInputError('triage needs a file: earshot triage <file.csv|file.jsonl>');
  if (!existsSync(file)) throw new TriageInputError(`no such file: ${file}`);
  const text = readFileSync(file, 'utf8');
  const isCsv = /\.csv$/i.test(file) || (!/\.(jsonl|ndjson|json)$/i.test(file) && !text.trimStart().startsWith('{'));
  const inputs = isCsv ? readCsvPosts(text, args.textColumn ?? 'text') : readJsonlPosts(text);
  const brand = brandFor(args);
  const context: TriageContext = { brand, author: NO_HISTORY };
  let rejected = 0;
  // Written in chunks: one write per post would dominate the run time on large exports.
  let chunk = '';
  for (const input of inputs) {
    if (!input.post) {
      rejected += 1;
      chunk += `${JSON.stringify({ row: input.row, error: input.error })}\n`;
    } else {
      const result = triage(toMention(input.post, input.row, brand.id), context);
      chunk += `${JSON.stringify({ row: input.row, ...(input.post.id !== undefined ? { id: String(input.post.id) } : {}), ...result })}\n`;
    }
    if (chunk.length > 64 * 1024) {
      write(chunk);
      chunk = '';
    }
  }
  if (chunk) write(chunk);
  return { scored: inputs.length - rejected, rejected };
}
