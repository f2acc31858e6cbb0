import { z } from 'zod';
import { PermanentError, RateLimitedError } from '../../http/errors.js';
import type { RejectedItem } from '../types.js';

/**
 * Reading a feed that only pages newest-first (page tokens, page numbers, `next` links) and has
 * no "since" parameter: walk down from the top until an item older than the saved position.
 * The position is the newest timestamp seen plus the ids seen at exactly that instant, so items
 * sharing a timestamp are neither skipped nor repeated. When a poll runs out of pages (or is
 * rate limited) before reaching the old position, the walk resumes from the page it stopped at
 * on the next poll and only then moves the position: nothing between is skipped.
 */

const Mark = z.object({ at: z.number(), ids: z.array(z.string()) });
type Mark = z.infer<typeof Mark>;

export const WalkState = z.object({
  top: Mark.nullable(),
  resume: z.object({ page: z.string(), top: Mark.nullable() }).optional(),
  /** Keys of malformed items already dead-lettered, so one stuck near the top is not reported every poll. */
  rejected: z.array(z.string()).default([]),
});
export type WalkState = z.infer<typeof WalkState>;

export interface PageEntry<V> {
  id: string;
  /** Epoch ms of the field the feed is ordered by. */
  at: number;
  value: V;
}

export interface PageRejected {
  key: string;
  /** When known, lets an old malformed item below the position be ignored. */
  at: number | null;
  reason: string;
  raw: unknown;
}

export interface Page<V> {
  entries: PageEntry<V>[];
  rejected: PageRejected[];
  /** Opaque token/number/URL of the next (older) page; null at the end. */
  next: string | null;
}

export interface WalkOptions<V> {
  state: WalkState | null;
  fetchPage(page: string | null): Promise<Page<V>>;
  /** Pages per poll once a position exists. */
  maxPages: number;
  /** Pages read on the very first poll; older history is deliberately left alone. */
  backfillPages: number;
}

export interface WalkResult<V> {
  values: V[];
  rejected: RejectedItem[];
  state: WalkState;
  pauseUntil?: Date;
}

const MAX_REJECTED_KEYS = 200;

export async function walkNewestFirst<V>(o: WalkOptions<V>): Promise<WalkResult<V>> {
  const floor = o.state?.top ?? null;
  const run = {
    values: [] as V[],
    rejected: [] as RejectedItem[],
    seen: new Set<string>(),
    known: new Set(o.state?.rejected ?? []),
    mark: o.state?.resume?.top ?? null,
  };
  let page: string | null = o.state?.resume?.page ?? null;
  let retriedFromTop = false;
  const limit = floor ? o.maxPages : o.backfillPages;
  for (let n = 0; n < limit; n++) {
    let res: Page<V>;
    try {
      res = await o.fetchPage(page);
    } catch (err) {
      // A saved page token can expire between polls; walking again from the top loses no items.
      if (err instanceof PermanentError && page !== null && n === 0 && !retriedFromTop) {
        retriedFromTop = true;
        page = null;
        n--;
        continue;
      }
      if (!(err instanceof RateLimitedError) || page === null) throw err;
      return finish(run, floor, page, err.retryAt);
    }
    const reached = takePage(res, floor, run);
    page = res.next;
    if (reached || page === null) return finish(run, floor, null);
  }
  // Out of pages: a first poll stops here on purpose; a later one resumes where it stopped.
  return finish(run, floor, floor ? page : null);
}

interface Run<V> {
  values: V[];
  rejected: RejectedItem[];
  seen: Set<string>;
  known: Set<string>;
  mark: Mark | null;
}

/** Takes the new items of one page; true once an item older than the saved position was seen. */
function takePage<V>(res: Page<V>, floor: Mark | null, run: Run<V>): boolean {
  let reached = false;
  for (const e of res.entries) {
    if (floor && e.at < floor.at) reached = true;
    if (floor && (e.at < floor.at || (e.at === floor.at && floor.ids.includes(e.id)))) continue;
    if (run.seen.has(e.id)) continue;
    run.seen.add(e.id);
    run.values.push(e.value);
    run.mark = raise(run.mark, { at: e.at, ids: [e.id] });
  }
  for (const r of res.rejected) {
    if (run.known.has(r.key) || (floor && r.at !== null && r.at < floor.at)) continue;
    run.known.add(r.key);
    run.rejected.push({ reason: r.reason, raw: r.raw });
  }
  return reached;
}

function finish<V>(run: Run<V>, floor: Mark | null, resumeAt: string | null, pauseUntil?: Date): WalkResult<V> {
  const rejected = [...run.known].slice(-MAX_REJECTED_KEYS);
  // A feed found empty starts at the beginning of time, so everything that arrives later is read in full.
  const top = raise(floor, run.mark) ?? { at: 0, ids: [] };
  const state: WalkState = resumeAt ? { top: floor, resume: { page: resumeAt, top: run.mark }, rejected } : { top, rejected };
  return { values: run.values, rejected: run.rejected, state, ...(pauseUntil ? { pauseUntil } : {}) };
}

function raise(a: Mark | null, b: Mark | null): Mark | null {
  if (!a || !b) return a ?? b;
  if (a.at !== b.at) return a.at > b.at ? a : b;
  return { at: a.at, ids: [...new Set([...a.ids, ...b.ids])] };
}

const Cursor = z.object({ v: z.literal(1), scope: z.string(), feeds: z.record(z.string(), WalkState) });

/** Per-feed walk states from a saved cursor; null when unreadable or saved for another scope (app, channel, …). */
export function readWalkCursor(text: string | null, scope: string): Record<string, WalkState> | null {
  if (!text) return {};
  try {
    const parsed = Cursor.safeParse(JSON.parse(text));
    return parsed.success && parsed.data.scope === scope ? parsed.data.feeds : null;
  } catch {
    return null;
  }
}

export function writeWalkCursor(scope: string, feeds: Record<string, WalkState>): string {
  return JSON.stringify({ v: 1, scope, feeds });
}

export interface Feed<V> {
  key: string;
  fetchPage(page: string | null): Promise<Page<V>>;
}

export interface FeedsOptions<V> {
  cursor: string | null;
  /** What the positions belong to (app id, channel, filters); a cursor saved for another scope is ignored. */
  scope: string;
  feeds: Feed<V>[];
  maxPages: number;
  backfillPages: number;
  /** Told when the saved cursor is unreadable or foreign, before starting again from the newest items. */
  onReset?: () => void;
}

export interface FeedsResult<V> {
  values: V[];
  rejected: RejectedItem[];
  cursor: string;
  pauseUntil?: Date;
}

/**
 * Walks each feed in turn into one cursor. A rate limit part-way keeps what earlier feeds (and
 * pages) produced and pauses; with nothing gathered yet it is thrown, which says the same more plainly.
 */
export async function walkFeeds<V>(o: FeedsOptions<V>): Promise<FeedsResult<V>> {
  let saved = readWalkCursor(o.cursor, o.scope);
  if (saved === null) {
    o.onReset?.();
    saved = {};
  }
  const states: Record<string, WalkState> = {};
  for (const feed of o.feeds) {
    const state = saved[feed.key];
    if (state) states[feed.key] = state;
  }
  const out: FeedsResult<V> = { values: [], rejected: [], cursor: '' };
  for (const feed of o.feeds) {
    try {
      const r = await walkNewestFirst({
        state: states[feed.key] ?? null,
        fetchPage: feed.fetchPage,
        maxPages: o.maxPages,
        backfillPages: o.backfillPages,
      });
      out.values.push(...r.values);
      out.rejected.push(...r.rejected);
      states[feed.key] = r.state;
      if (r.pauseUntil) out.pauseUntil = r.pauseUntil;
    } catch (err) {
      if (!(err instanceof RateLimitedError) || out.values.length + out.rejected.length === 0) throw err;
      out.pauseUntil = err.retryAt;
    }
    if (out.pauseUntil) break;
  }
  out.cursor = writeWalkCursor(o.scope, states);
  return out;
}
