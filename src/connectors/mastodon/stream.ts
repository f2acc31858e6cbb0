import type { HttpClient, HttpResponse, HttpStreamResponse } from '../../http/client.js';
import { TransientError } from '../../http/errors.js';
import { sseEvents } from './wire.js';
import type { Budget, RateLimiter } from '../shared/limiter.js';
import type { FetchResult, StreamSink } from '../types.js';

// The streaming server sends `:thump` every 15 s; three missed heartbeats mean the connection is dead.
const STREAM_IDLE_MS = 45_000;

export interface Stream {
  key: string;
  path: string;
  query: Record<string, string>;
  event: 'notification' | 'update';
}

/** What the streaming side needs from the connector, passed in so this file does not import it back. */
export interface StreamDeps {
  http: HttpClient;
  limiter: RateLimiter;
  budgetKey: string;
  budget: Budget;
  /** Streaming base URL without a trailing slash. */
  base: string;
  headers: Record<string, string>;
  timeoutMs: number;
  fail(res: HttpResponse): Promise<never>;
  /** One SSE event's payload as mentions and rejected items. */
  toBatch(event: Stream['event'], data: string, url: string): Pick<FetchResult, 'mentions' | 'rejected'>;
}

export function streamsFor(o: { mentions: boolean; hashtags: string[] }): Stream[] {
  const streams: Stream[] = [];
  if (o.mentions) streams.push({ key: 'notifications', path: '/api/v1/streaming/user/notification', query: {}, event: 'notification' });
  for (const tag of new Set(o.hashtags.map((t) => t.toLowerCase())))
    streams.push({ key: `tag:${tag}`, path: '/api/v1/streaming/hashtag', query: { tag }, event: 'update' });
  return streams;
}

/**
 * Holds one server-sent-events connection per stream. `connected()` is called once all of them
 * answered 200, so the runner's catch-up poll starts only when nothing new can slip past. The
 * first connection to end takes the others down with it and throws: the runner reconnects.
 */
export async function listen(deps: StreamDeps, streams: Stream[], sink: StreamSink, signal: AbortSignal): Promise<void> {
  const conn = new AbortController();
  const onAbort = () => conn.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const opened = await Promise.all(streams.map(async (stream) => ({ stream, res: await openStream(deps, stream, conn.signal) })));
    sink.connected();
    await Promise.race(opened.map(({ stream, res }) => pump(deps, res, stream, sink)));
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  } finally {
    conn.abort();
    signal.removeEventListener('abort', onAbort);
  }
}

async function openStream(deps: StreamDeps, stream: Stream, signal: AbortSignal): Promise<HttpStreamResponse> {
  let url = deps.base + stream.path;
  // Rails answers /api/v1/streaming with a redirect when the streaming server lives on another host.
  for (let hop = 0; ; hop++) {
    await deps.limiter.acquire(deps.budgetKey, deps.budget, { signal });
    const res = await deps.http.stream({
      url,
      query: stream.query,
      headers: deps.headers,
      timeoutMs: deps.timeoutMs,
      idleTimeoutMs: STREAM_IDLE_MS,
      signal,
    });
    if (res.status === 200) return res;
    const location = res.headers['location'];
    if (hop === 0 && res.status >= 300 && res.status < 400 && location) {
      res.close();
      url = new URL(location, url).toString().replace(/\?.*$/s, '');
      continue;
    }
    const text = await res.text().catch(() => '');
    return deps.fail({ status: res.status, headers: res.headers, text, url: res.url });
  }
}

/** Reads one connection until it ends; each item is delivered (stored) before the next is read. */
async function pump(deps: StreamDeps, res: HttpStreamResponse, stream: Stream, sink: StreamSink): Promise<never> {
  for await (const event of sseEvents(res.lines())) {
    if (event.event !== stream.event) continue;
    const batch = deps.toBatch(stream.event, event.data, res.url);
    if (batch.mentions.length + batch.rejected.length > 0) await sink.deliver({ ...batch, cursor: null });
  }
  throw new TransientError(`${res.url}: stream ${stream.key} ended by the server`);
}
