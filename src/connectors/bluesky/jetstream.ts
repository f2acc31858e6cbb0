import type { Logger } from 'pino';
import { WebSocket } from 'undici';
import type { HttpClient } from '../../http/client.js';
import { z } from 'zod';
import type { BrandConfig } from '../../config/schema.js';
import { describeIssues, toMention, type Mention } from '../../mention.js';
import { postInput, WirePostRecord } from './wire.js';
import { TransientError } from '../../http/errors.js';
import type { RejectedItem, StreamSink } from '../types.js';

const POST = 'app.bsky.feed.post';
// Cursors are unix microseconds. Resuming a few seconds early makes playback gapless (Jetstream's
// own advice); the overlap is dropped by the store's dedupe on the post URI.
const REWIND_US = 5_000_000;
// The network sends hundreds of posts a second, nearly none about the brand: the cursor alone is
// saved at most this often, so a restart does not replay much and Redis is not written per event.
const CHECKPOINT_MS = 5_000;

const WireEvent = z.object({
  did: z.string().min(1),
  time_us: z.number().int().nonnegative(),
  kind: z.string(),
  commit: z
    .object({
      operation: z.string(),
      collection: z.string(),
      rkey: z.string().min(1),
      cid: z.string().optional(),
      record: z.unknown().optional(),
    })
    .optional(),
});

export interface JetstreamOptions {
  url: string;
  brand: BrandConfig;
  /** Search queries of the source; their words count as brand terms too. */
  terms: string[];
  target: { sourceId: string; brandId: string };
  log: Logger;
  /** Opens the socket under the outbound policy, like every other request. */
  http: Pick<HttpClient, 'openWebSocket'>;
}

interface Batch {
  mentions: Mention[];
  rejected: RejectedItem[];
}

/**
 * Jetstream carries every post on the network, so the brand filter runs here: keywords and
 * search words, @handles and #hashtags, each as a whole word, case-insensitive.
 */
export function brandMatcher(brand: BrandConfig, terms: string[]): (text: string) => boolean {
  const strip = (s: string) =>
    s
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim();
  const needles = [
    ...brand.keywords.map(strip),
    ...terms.map(strip),
    ...brand.handles.map((h) => `@${h.trim().replace(/^@/, '')}`),
    ...brand.hashtags.map((t) => `#${t.trim().replace(/^#/, '')}`),
  ].filter((n) => n.replace(/^[@#]/, '') !== '');
  if (needles.length === 0) return () => false;
  const escaped = [...new Set(needles.map((n) => n.toLowerCase()))].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`(?:^|[^\\p{L}\\p{N}_@#])(?:${escaped.join('|')})(?=$|[^\\p{L}\\p{N}_])`, 'iu');
  return (text) => re.test(text);
}

/** Reads one Jetstream message; returns its time (the cursor) and, when it is a brand post, the mention or why it was refused. */
export function readEvent(
  text: string,
  matches: (text: string) => boolean,
  target: JetstreamOptions['target'],
): { time: number | null; mention?: Mention; rejected?: RejectedItem } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { time: null };
  }
  const parsed = WireEvent.safeParse(raw);
  if (!parsed.success) {
    const time = (raw as { time_us?: unknown } | null)?.time_us;
    return { time: typeof time === 'number' ? time : null };
  }
  const { did, time_us: time, kind, commit } = parsed.data;
  if (kind !== 'commit' || !commit || commit.operation !== 'create' || commit.collection !== POST) return { time };
  const body = (commit.record as { text?: unknown } | null)?.text;
  if (typeof body !== 'string' || !matches(body)) return { time };
  const uri = `at://${did}/${POST}/${commit.rkey}`;
  const record = WirePostRecord.safeParse(commit.record);
  if (!record.success || !commit.cid) {
    return { time, rejected: { reason: `post ${uri}: ${record.success ? 'cid: missing' : describeIssues(record.error)}`, raw } };
  }
  // Jetstream has only the DID: it stands in for the handle, and followers stay unknown.
  const input = postInput({ uri, cid: commit.cid, did, handle: did, displayName: '', record: record.data, counts: {} }, target);
  const result = toMention({ ...input, author: { ...input.author, followers: null } });
  return result.ok ? { time, mention: result.mention } : { time, rejected: { reason: `post ${uri}: ${result.reason}`, raw } };
}

export function jetstreamUrl(base: string, cursor: string | null): string {
  const url = new URL(base);
  url.searchParams.set('wantedCollections', POST);
  if (cursor && /^\d+$/.test(cursor)) url.searchParams.set('cursor', String(Math.max(0, Number(cursor) - REWIND_US)));
  return url.toString();
}

/**
 * Batches of what the socket delivered, handed to the sink one after another with the cursor of
 * their last event; a batch with no posts goes only when the cursor is due for a checkpoint.
 */
function deliveries(sink: StreamSink, fail: (err: Error) => void) {
  let batch: Batch = { mentions: [], rejected: [] };
  let last: number | null = null;
  let delivered: number | null = null;
  let savedAt = Date.now();
  let chain: Promise<void> = Promise.resolve();
  const flush = () => {
    if (last === null || (last === delivered && batch.mentions.length + batch.rejected.length === 0)) return;
    delivered = last;
    const out = { ...batch, cursor: String(last) };
    batch = { mentions: [], rejected: [] };
    savedAt = Date.now();
    chain = chain.then(() => sink.deliver(out));
    chain.catch((err: unknown) => fail(err instanceof Error ? err : new Error(String(err))));
  };
  const add = (event: { time: number; mention?: Mention; rejected?: RejectedItem }) => {
    last = event.time;
    if (event.mention) batch.mentions.push(event.mention);
    if (event.rejected) batch.rejected.push(event.rejected);
    if (batch.mentions.length + batch.rejected.length > 0 || Date.now() - savedAt >= CHECKPOINT_MS) flush();
  };
  return { add, flush, settled: () => chain };
}

/**
 * Listens until `signal` aborts (resolves) or the socket closes or fails (rejects with
 * TransientError, and the runner reconnects from the last delivered cursor). Deliveries run
 * one after another, in arrival order, so a cursor is never saved ahead of its posts.
 */
export async function streamJetstream(opts: JetstreamOptions, cursor: string | null, sink: StreamSink, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  const matches = brandMatcher(opts.brand, opts.terms);
  const url = jetstreamUrl(opts.url, cursor);
  const host = new URL(url).host;
  const ws = await opts.http.openWebSocket(url);
  return new Promise<void>((resolve, reject) => {
    ws.binaryType = 'arraybuffer';
    let done = false;
    const out = deliveries(sink, (err) => finish(err));
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close();
      // What arrived before the drop is stored, and its cursor saved, before the runner reconnects.
      out.flush();
      out.settled().then(() => (err ? reject(err) : resolve()), reject);
    };
    const onAbort = () => finish();
    signal.addEventListener('abort', onAbort, { once: true });

    ws.addEventListener('open', () => {
      opts.log.info({ source: opts.target.sourceId, host, resumeFrom: cursor }, 'jetstream connected');
      sink.connected();
    });
    ws.addEventListener('message', (ev) => {
      if (done) return;
      const text = typeof ev.data === 'string' ? ev.data : new TextDecoder().decode(ev.data as ArrayBuffer);
      const event = readEvent(text, matches, opts.target);
      if (event.time === null)
        return opts.log.warn({ source: opts.target.sourceId, start: text.slice(0, 80) }, 'unreadable Jetstream message skipped');
      out.add({ ...event, time: event.time });
    });
    ws.addEventListener('error', (ev) =>
      finish(new TransientError(`Jetstream ${host}: connection failed (${(ev as { message?: string }).message || 'network error'})`)),
    );
    ws.addEventListener('close', (ev) =>
      finish(new TransientError(`Jetstream ${host} closed the connection (code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`)),
    );
  });
}
