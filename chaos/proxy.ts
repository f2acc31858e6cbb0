import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyEntry {
  at: number;
  method: string;
  path: string;
  /** Upstream or injected status; 0 while in flight, -1 for a request held until the client gave up. */
  status: number;
}

interface Injected {
  status: number;
  body: string;
  headers: Record<string, string>;
  path?: string;
}

/**
 * Sits between Earshot and a fake platform: timestamps every request (the fakes' own logs carry
 * no time), and injects what the fakes cannot: a request that never answers (a timeout), and
 * answers a proxy or CDN would give (429 with Retry-After only, HTML error pages).
 */
export class RecordingProxy {
  readonly log: ProxyEntry[] = [];
  private readonly injected: Injected[] = [];
  private readonly stalls: Array<{ left: number; path?: string }> = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  url = '';
  /** Replies (POSTs) reach the platform this much later: keeps a publish in flight while something else breaks. */
  postDelayMs = 0;
  /**
   * Answer POST /api/v1/statuses here, idempotent by Idempotency-Key as Mastodon is, instead of
   * forwarding: bench/generated-mastodon.ts numbers replies with `9e17 + n` in floating point, so
   * its reply ids collide past 2^53 and its record keeps one reply.
   */
  answerReplies = false;
  /** Reply id → what it answered; a retry with a known key gets the first reply back and adds nothing. */
  readonly replies = new Map<string, { inReplyToId: string; key: string; at: number }>();
  private readonly replyByKey = new Map<string, string>();

  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  inject(status: number, body: string, headers: Record<string, string> = {}, path?: string): void {
    this.injected.push({ status, body, headers, path });
  }

  /** The next `times` requests (under `path`) are held open and never answered. */
  stallNext(times: number, path?: string): void {
    this.stalls.push({ left: times, path });
  }

  since(at: number, path?: string): ProxyEntry[] {
    return this.log.filter((e) => e.at >= at && (!path || e.path.startsWith(path)));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    const entry: ProxyEntry = { at: Date.now(), method: req.method ?? 'GET', path, status: 0 };
    this.log.push(entry);
    const stall = this.stalls.find((s) => s.left > 0 && (!s.path || path.startsWith(s.path)));
    if (stall) {
      stall.left -= 1;
      entry.status = -1;
      req.resume();
      return;
    }
    const i = this.injected.findIndex((x) => !x.path || path.startsWith(x.path));
    if (i >= 0) {
      const [x] = this.injected.splice(i, 1) as [Injected];
      entry.status = x.status;
      req.resume();
      res.writeHead(x.status, { 'content-type': 'application/json; charset=utf-8', ...x.headers }).end(x.body);
      return;
    }
    if (entry.method === 'POST' && path === '/api/v1/statuses' && this.answerReplies) this.reply(req, res, entry);
    else if (entry.method === 'POST' && this.postDelayMs > 0) setTimeout(() => this.forward(req, res, entry), this.postDelayMs);
    else this.forward(req, res, entry);
  }

  private reply(req: http.IncomingMessage, res: http.ServerResponse, entry: ProxyEntry): void {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      let id = key ? this.replyByKey.get(key) : undefined;
      if (!id) {
        id = String(900_000_000_000_000_000n + BigInt(this.replies.size + 1));
        const parsed = JSON.parse(body) as { in_reply_to_id?: string };
        this.replies.set(id, { inReplyToId: String(parsed.in_reply_to_id ?? ''), key, at: Date.now() });
        if (key) this.replyByKey.set(key, id);
      }
      const answer = () => {
        entry.status = 200;
        res
          .writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
          .end(JSON.stringify({ id, uri: `https://chaos.example/statuses/${id}`, url: null, content: '' }));
      };
      if (this.postDelayMs > 0) setTimeout(answer, this.postDelayMs);
      else answer();
    });
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, entry: ProxyEntry): void {
    const upstream = http.request(this.target + (req.url ?? '/'), { method: req.method, headers: req.headers }, (up) => {
      entry.status = up.statusCode ?? 0;
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502).end();
    });
    req.pipe(upstream);
  }
}

/** The smallest time span holding `limit + 1` requests: under `windowMs`, the budget was exceeded. */
export function tightestSpan(times: number[], limit: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let min = Number.POSITIVE_INFINITY;
  for (const [i, first] of sorted.entries()) {
    const last = sorted[i + limit];
    if (last === undefined) break;
    min = Math.min(min, last - first);
  }
  return min;
}
