import type { ServerResponse } from 'node:http';
import { json, RecordingServer, type CannedResponse } from './recorder.js';

interface OpenStream {
  channel: string;
  res: ServerResponse;
  heartbeat: NodeJS.Timeout;
}

/**
 * The fake Mastodon's streaming side, as the streaming server does it: a held text/event-stream per
 * channel that opens with `:)`, sends `:thump` heartbeats and writes `event:` + `data:` per event.
 */
export abstract class MastodonStreamingServer extends RecordingServer {
  /** `:thump` comments written so far on all streams, so a test can wait for some to pass instead of sleeping. */
  heartbeatsSent = 0;
  private readonly streams = new Set<OpenStream>();
  private streamsRefused = false;

  /** @param heartbeatMs interval of the `:thump` heartbeat; the streaming server's is 15 s. */
  protected constructor(private readonly heartbeatMs: number) {
    super();
  }

  override async close(): Promise<void> {
    for (const stream of this.streams) clearInterval(stream.heartbeat);
    this.streams.clear();
    await super.close();
  }

  /** Open streams, optionally only those of one channel (`user:notification`, `hashtag:acme`). */
  streamCount(channel?: string): number {
    return [...this.streams].filter((s) => !channel || s.channel === channel).length;
  }

  /** Resolves once at least `count` streams are open. */
  async waitForStreams(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.streams.size < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} open streams, have ${this.streams.size}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Cuts every open stream as a crashed streaming server or a dropped proxy would; returns how many. */
  dropStreams(): number {
    const count = this.streams.size;
    for (const stream of this.streams) {
      clearInterval(stream.heartbeat);
      stream.res.destroy();
    }
    this.streams.clear();
    return count;
  }

  /** While on, streaming requests get 502 from the proxy, as when the streaming server is down. */
  refuseStreams(on: boolean): void {
    this.streamsRefused = on;
  }

  /** Writes a raw event to every stream of `channel` (for malformed payloads). */
  pushRaw(channel: string, event: string, data: string): void {
    for (const stream of this.streams) if (stream.channel === channel) stream.res.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  protected push(channel: string, event: string, payload: unknown): void {
    this.pushRaw(channel, event, JSON.stringify(payload));
  }

  protected openStream(channel: string): CannedResponse {
    if (this.streamsRefused) return json(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', { 'content-type': 'text/html' });
    const headers = { 'content-type': 'text/event-stream', 'cache-control': 'private, no-store', 'transfer-encoding': 'chunked' };
    return { status: 200, headers, hold: (res) => this.holdStream(res, channel) };
  }

  private holdStream(res: ServerResponse, channel: string): void {
    res.write(':)\n');
    const stream: OpenStream = {
      channel,
      res,
      heartbeat: setInterval(() => {
        res.write(':thump\n');
        this.heartbeatsSent += 1;
      }, this.heartbeatMs),
    };
    stream.heartbeat.unref();
    this.streams.add(stream);
    res.on('close', () => {
      clearInterval(stream.heartbeat);
      this.streams.delete(stream);
    });
  }
}
