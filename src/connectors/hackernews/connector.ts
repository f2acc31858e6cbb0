import { readJsonCursor } from '../shared/cursor.js';
import { z } from 'zod';
import { strict } from '../../config/strict.js';
import { PlatformUrl } from '../../config/fields.js';
import { failForStatus, parseJson, retryAfterDate, type HttpResponse } from '../../http/client.js';
import { RateLimitedError } from '../../http/errors.js';
import { algoliaMessage, collectHit, positionOf, readPage, type Gathered } from './wire.js';
import { credentialKey } from '../shared/limiter.js';
import { connectorEnv, defineConnector, type FetchResult, type ConnectorEnv } from '../types.js';

const PLATFORM = 'hackernews';
const Options = strict({
  /** Algolia full-text query (all words must match); defaults to the brand's name. */
  query: z.string().trim().min(1).optional(),
  /** ORed together: `(story,comment)` by default. */
  tags: z
    .array(z.enum(['story', 'comment', 'ask_hn', 'show_hn', 'poll', 'job']))
    .min(1)
    .default(['story', 'comment']),
  hitsPerPage: z.number().int().min(1).max(1000).default(100),
  maxPagesPerPoll: z.number().int().min(1).max(100).default(10),
  /** Pages read on the very first poll; older history is skipped on purpose. */
  backfillPages: z.number().int().min(1).max(10).default(1),
  baseUrl: PlatformUrl.default('https://hn.algolia.com'),
  /** HN Search allows about 10,000 requests an hour per IP; this stays under it for all sources together. */
  requestsPerHour: z.number().int().min(1).max(10_000).default(9_000),
  timeoutMs: z.number().int().positive().default(15_000),
});
type Options = z.infer<typeof Options>;

/** A second and the ids already read at it: everything older than `at`, and these ids at `at`, are done. */
const Mark = z.object({ at: z.number().int().nonnegative(), ids: z.array(z.string()) });
type Mark = z.infer<typeof Mark>;

/**
 * `floor`: read up to here. When a poll ran out of pages (or hit a rate limit) before reaching the
 * floor, `top` is the newest read and `ceiling` the oldest read: the gap between floor and ceiling
 * is read first next time, then the floor jumps to `top`.
 */
const Cursor = z.object({
  v: z.literal(1),
  query: z.string(),
  tags: z.string(),
  floor: Mark,
  top: Mark.optional(),
  ceiling: Mark.optional(),
});
type State = Pick<z.infer<typeof Cursor>, 'floor' | 'top' | 'ceiling'>;

interface Env extends ConnectorEnv {
  options: Options;
  query: string;
  tags: string;
  budgetKey: string;
}

interface Run extends Gathered {
  seen: Set<string>;
  pagesLeft: number;
  pauseUntil?: Date;
  signal?: AbortSignal;
}

interface Range {
  complete: boolean;
  newest: Mark | null;
  oldest: Mark | null;
}

export const hackernewsConnector = defineConnector({
  kind: PLATFORM,
  optionsSchema: Options,
  // No rate-limit headers: a fixed hourly budget per IP, and plain 429s.
  capabilities: { poll: true, stream: false, reply: false, idempotentReply: false, followers: false, rateLimit: 'none' },
  create(ctx) {
    const base = ctx.options.baseUrl.replace(/\/+$/, '');
    const env: Env = {
      ...connectorEnv(ctx),
      options: { ...ctx.options, baseUrl: base },
      query: ctx.options.query ?? ctx.brand.name,
      tags: `(${ctx.options.tags.join(',')})`,
      budgetKey: credentialKey(PLATFORM, base),
    };
    return { fetch: (cursor, signal) => poll(env, cursor, signal) };
  },
});

async function poll(env: Env, cursorText: string | null, signal?: AbortSignal): Promise<FetchResult> {
  const start = readCursor(env, cursorText);
  const run: Run = { mentions: [], rejected: [], seen: new Set(), pagesLeft: env.options.maxPagesPerPoll, signal };
  let state: State;
  if (!start) {
    run.pagesLeft = env.options.backfillPages;
    const first = await readRange(env, run, null, null);
    // An empty history starts at 0: everything that matches later is new.
    state = { floor: first.newest ?? { at: 0, ids: [] } };
  } else {
    state = await advance(env, run, start);
  }
  const cursor = JSON.stringify({ v: 1, query: env.query, tags: env.tags, ...state });
  return { mentions: run.mentions, rejected: run.rejected, cursor, pauseUntil: run.pauseUntil };
}

/** Fills an open gap first (oldest work first), then reads what is new above the floor. */
async function advance(env: Env, run: Run, start: State): Promise<State> {
  let state = start;
  if (state.top && state.ceiling) {
    const gap = await readRange(env, run, state.floor, state.ceiling);
    if (!gap.complete) return { ...state, ceiling: merge(state.ceiling, gap.oldest) };
    state = { floor: state.top };
  }
  if (run.pagesLeft <= 0 || run.pauseUntil) return state;
  const fresh = await readRange(env, run, state.floor, null);
  if (fresh.complete) return { floor: merge(state.floor, fresh.newest) };
  if (!fresh.newest || !fresh.oldest) return state;
  return { floor: state.floor, top: merge(state.floor, fresh.newest), ceiling: fresh.oldest };
}

/**
 * Reads newest-first everything between `lower` and `upper` (both inclusive by second, minus the
 * ids they list). Items arriving while we page push older ones down a page, which only repeats
 * them (dropped by `seen`). At the 1,000-hit paging cap the window is narrowed to the oldest
 * second read so far and paging restarts at page 0.
 */
async function readRange(env: Env, run: Run, lower: Mark | null, upper: Mark | null): Promise<Range> {
  let ceiling = upper;
  let newest: Mark | null = null;
  let oldest: Mark | null = null;
  let page = 0;
  while (run.pagesLeft > 0) {
    const filters = [lower ? `created_at_i>=${lower.at}` : null, ceiling ? `created_at_i<=${ceiling.at}` : null].filter(
      (f): f is string => f !== null,
    );
    const got = await getPage(env, run, page, filters, newest !== null);
    if (!got) return { complete: false, newest, oldest };
    for (const raw of got.hits) {
      const pos = positionOf(raw);
      const key = pos ? pos.id : `raw:${JSON.stringify(raw)}`;
      if (run.seen.has(key) || (pos && (excluded(pos, lower) || excluded(pos, ceiling)))) continue;
      run.seen.add(key);
      if (pos) {
        newest = extend(newest, pos, (a, b) => a > b);
        oldest = extend(oldest, pos, (a, b) => a < b);
      }
      collectHit(env, run, raw);
    }
    const lastPage = got.hits.length === 0 || page >= got.nbPages - 1;
    if (!lastPage) {
      page += 1;
      continue;
    }
    // More hits than the pages we could reach: the paging cap (or items shifting under us).
    const capped = got.nbHits > (page + 1) * got.hitsPerPage;
    if (!capped || !oldest) return { complete: true, newest, oldest };
    ceiling = narrow(env, ceiling, oldest);
    page = 0;
  }
  return { complete: false, newest, oldest };
}

/** The next window ends at the oldest second read; if that does not move (1,000+ hits in one second), step past it. */
function narrow(env: Env, ceiling: Mark | null, oldest: Mark): Mark {
  if (ceiling && ceiling.at === oldest.at) {
    env.log.warn({ source: env.sourceId, second: oldest.at }, 'more than 1,000 hits in one second; skipping the rest of that second');
    return { at: Math.max(0, oldest.at - 1), ids: [] };
  }
  return merge(ceiling, oldest);
}

async function getPage(env: Env, run: Run, page: number, filters: string[], gotSome: boolean) {
  run.pagesLeft -= 1;
  const query: Record<string, string | number> = { query: env.query, tags: env.tags, hitsPerPage: env.options.hitsPerPage, page };
  if (filters.length) query['numericFilters'] = filters.join(',');
  try {
    await env.limiter.acquire(env.budgetKey, { limit: env.options.requestsPerHour, windowMs: 3_600_000 }, { signal: run.signal });
    const res = await env.http.send({
      url: `${env.options.baseUrl}/api/v1/search_by_date`,
      query,
      timeoutMs: env.options.timeoutMs,
      signal: run.signal,
    });
    if (res.status !== 200) await fail(env, res);
    return readPage(res, parseJson(res));
  } catch (err) {
    // With items in hand, keep them and pause; the cursor records exactly how far this poll got.
    const hasItems = gotSome || run.mentions.length + run.rejected.length > 0;
    if (!(err instanceof RateLimitedError) || !hasItems) throw err;
    env.log.warn({ source: env.sourceId, until: err.retryAt.toISOString() }, 'rate limited part-way; keeping the pages read so far');
    run.pauseUntil = err.retryAt;
    run.pagesLeft = 0;
    return null;
  }
}

async function fail(env: Env, res: HttpResponse): Promise<never> {
  const detail = algoliaMessage(res);
  if (res.status === 429) {
    const at = retryAfterDate(res);
    await env.limiter.block(env.budgetKey, at);
    throw new RateLimitedError(`${env.options.baseUrl} rate limit reached (${detail}); retry after ${at.toISOString()}`, at);
  }
  failForStatus(res, detail);
}

function excluded(pos: { at: number; id: string }, mark: Mark | null): boolean {
  return mark !== null && pos.at === mark.at && mark.ids.includes(pos.id);
}

/** Keeps the extreme second and every id read at it. */
function extend(mark: Mark | null, pos: { at: number; id: string }, beyond: (a: number, b: number) => boolean): Mark {
  if (!mark || beyond(pos.at, mark.at)) return { at: pos.at, ids: [pos.id] };
  return pos.at === mark.at ? { at: mark.at, ids: [...mark.ids, pos.id] } : mark;
}

/** `next` moves the mark on; at the same second the ids add up. */
function merge(mark: Mark | null, next: Mark | null): Mark {
  if (!next) return mark ?? { at: 0, ids: [] };
  if (!mark || mark.at !== next.at) return next;
  return { at: mark.at, ids: [...new Set([...mark.ids, ...next.ids])] };
}

function readCursor(env: Env, text: string | null): State | null {
  if (!text) return null;
  const cursor = readJsonCursor(Cursor, text);
  if (!cursor) {
    env.log.warn({ source: env.sourceId }, 'unreadable cursor; starting again from the newest hits');
    return null;
  }
  if (cursor.query !== env.query || cursor.tags !== env.tags) {
    env.log.warn({ source: env.sourceId, was: cursor.query }, 'query or tags changed; starting again from the newest hits');
    return null;
  }
  const { floor, top, ceiling } = cursor;
  return top && ceiling ? { floor, top, ceiling } : { floor };
}
