import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import { AuthError } from '../http/errors.js';
import type { FetchResult, StreamSink } from '../connectors/types.js';
import { enqueue } from '../jobs/queues.js';
import { describeFailure, readStreamCursor, recordPollFailure, recordStreamState, saveStreamCursor } from '../store/sources.js';
import { releaseLease, renewLease, takeLease } from '../store/leases.js';
import { acceptBatch } from './poll.js';
import { alertSourceProblem } from '../alerts/source-alerts.js';

const LOCK_MS = 15_000;
const RENEW_MS = 5_000;
const MAX_BACKOFF_MS = 60_000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Keeps one live connection per streaming source across all worker processes (a Redis lease
 * decides which process holds it), reconnects with backoff and jitter, resumes from the last
 * delivered cursor, and asks for a catch-up poll on every (re)connect so a gap is filled from
 * the poll cursor. Polling keeps running on its schedule regardless: streaming only makes it fast.
 */
export class StreamRunner {
  private readonly controller = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly owner = randomBytes(8).toString('hex');

  constructor(private readonly ctx: AppContext) {}

  start(): string[] {
    const started: string[] = [];
    for (const source of this.ctx.config.sources) {
      const handle = this.ctx.sources.get(source.id);
      if (!source.enabled || !source.stream || !handle?.connector.capabilities.stream || !handle.client.stream) continue;
      this.loops.push(this.run(source.id));
      started.push(source.id);
    }
    return started;
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await Promise.all(this.loops);
  }

  private async run(sourceId: string): Promise<void> {
    const stop = this.controller.signal;
    let backoff = 1_000;
    while (!stop.aborted) {
      const got = await takeLease(this.ctx, 'stream', sourceId, this.owner, LOCK_MS);
      if (!got) {
        await sleep(RENEW_MS, stop);
        continue;
      }
      const outcome = await this.connectOnce(sourceId, () => (backoff = 1_000));
      await releaseLease(this.ctx, 'stream', sourceId, this.owner).catch(() => undefined);
      if (outcome === 'stopped' || stop.aborted) return;
      const wait = Math.min(backoff, MAX_BACKOFF_MS) * (0.5 + Math.random() / 2);
      backoff *= 2;
      await sleep(wait, stop);
    }
  }

  /** One connection, held while the lease renews; resolves when it drops. */
  private async connectOnce(sourceId: string, onConnected: () => void): Promise<'dropped' | 'stopped'> {
    const handle = this.ctx.sources.get(sourceId);
    if (!handle?.client.stream) return 'stopped';
    const conn = new AbortController();
    const onStop = () => conn.abort();
    this.controller.signal.addEventListener('abort', onStop, { once: true });
    const renew = setInterval(() => {
      renewLease(this.ctx, 'stream', sourceId, this.owner, LOCK_MS)
        .then((ok) => ok || conn.abort())
        .catch(() => conn.abort());
    }, RENEW_MS);
    try {
      const cursor = await readStreamCursor(this.ctx.db, sourceId);
      await handle.client.stream(cursor, this.sink(sourceId, onConnected), conn.signal);
      return this.controller.signal.aborted ? 'stopped' : 'dropped';
    } catch (err) {
      if (this.controller.signal.aborted) return 'stopped';
      return this.failed(sourceId, err);
    } finally {
      clearInterval(renew);
      this.controller.signal.removeEventListener('abort', onStop);
      await recordStreamState(this.ctx.db, sourceId, { connected: false }).catch(() => undefined);
    }
  }

  private sink(sourceId: string, onConnected: () => void): StreamSink {
    return {
      deliver: async (batch: FetchResult) => {
        const created = await acceptBatch(this.ctx, sourceId, batch);
        if (batch.cursor !== null) await saveStreamCursor(this.ctx.db, sourceId, batch.cursor);
        await recordStreamState(this.ctx.db, sourceId, { connected: true, items: created.length });
      },
      connected: () => {
        onConnected();
        void recordStreamState(this.ctx.db, sourceId, { connected: true, error: '' }).catch(() => undefined);
        // Whatever arrived while we were disconnected is fetched by a poll from the poll cursor.
        void enqueue(this.ctx.queues, 'poll', { sourceId }, { jobId: `catchup-${sourceId}-${Date.now()}` }).catch(() => undefined);
        this.ctx.log.info({ source: sourceId }, 'stream connected');
      },
    };
  }

  private async failed(sourceId: string, err: unknown): Promise<'dropped' | 'stopped'> {
    const { error, detail: message } = describeFailure(err);
    await recordStreamState(this.ctx.db, sourceId, { connected: false, error, detail: message });
    if (err instanceof AuthError) {
      await recordPollFailure(this.ctx.db, sourceId, { error, detail: message, stop: true });
      await alertSourceProblem(this.ctx, sourceId, `Source "${sourceId}" stream stopped: ${error}`, 'auth');
      return 'stopped';
    }
    this.ctx.log.warn({ source: sourceId, err: message }, 'stream dropped; reconnecting');
    return 'dropped';
  }
}
