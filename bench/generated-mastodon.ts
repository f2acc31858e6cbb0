import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Mastodon notifications feed whose statuses are generated from their id, so a million posts
 * cost no memory: notification k carries status 10^17 + k with text `texts[k % n]`. It speaks the
 * same wire format as test/fakes/mastodon.ts (newest-first pages, min_id/max_id, Link and
 * X-RateLimit-* headers, Idempotency-Key on replies) but is built for volume, not for faults.
 */
export class GeneratedMastodon {
  /** Notifications 1..published exist. */
  published = 0;
  readonly replies = new Map<string, { inReplyToId: string; at: number; key: string }>();
  readonly probes = new Map<number, { text: string; followers: number; at: number }>();
  onReply?: (inReplyToId: string, at: number) => void;
  private server = http.createServer((req, res) => this.handle(req, res));
  url = '';
  requests = 0;
  private readonly streams = new Set<http.ServerResponse>();
  private heartbeat: NodeJS.Timeout | null = null;

  /** Posts are dated from when the feed started, so the store's retention window keeps them. */
  private readonly epoch = Date.now();
  private domain = 'bench.example';

  constructor(private readonly texts: string[]) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${port}`;
    // Status URIs are global ids: two fakes must not mint the same ones, or their posts dedupe into one.
    this.domain = `bench${port}.example`;
    return this;
  }

  close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const res of this.streams) res.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  publish(count: number): void {
    this.published += count;
  }

  /** Publishes one post with the given text now; returns its status id. */
  publishProbe(text: string, followers: number): string {
    this.published += 1;
    this.probes.set(this.published, { text, followers, at: Date.now() });
    // Live listeners get it at once, as Mastodon's streaming server pushes a mention notification.
    const event = `event: notification\ndata: ${JSON.stringify(this.notification(this.published))}\n\n`;
    for (const res of this.streams) res.write(event);
    return statusId(this.published);
  }

  private notification(k: number): unknown {
    const probe = this.probes.get(k);
    const user = k % 5000;
    const id = statusId(k);
    return {
      id: String(k),
      type: 'mention',
      created_at: new Date(this.epoch + k).toISOString(),
      account: account(user, probe?.followers),
      status: {
        id,
        uri: `https://${this.domain}/users/u${user}/statuses/${id}`,
        url: `https://${this.domain}/@u${user}/${id}`,
        created_at: new Date(this.epoch + k).toISOString(),
        content: `<p>${escapeHtml(probe?.text ?? this.texts[k % this.texts.length] ?? '')}</p>`,
        spoiler_text: '',
        language: 'en',
        in_reply_to_id: null,
        replies_count: k % 3,
        reblogs_count: k % 5,
        favourites_count: k % 7,
        reblog: null,
        account: account(user, probe?.followers),
      },
    };
  }

  private page(query: URLSearchParams): number[] {
    const limit = Math.min(Number(query.get('limit') ?? 40), 80);
    const minId = query.get('min_id');
    const maxId = query.get('max_id');
    let from: number;
    let to: number;
    if (minId !== null) {
      from = Number(minId) + 1;
      to = Math.min(this.published, from + limit - 1);
    } else {
      to = maxId !== null ? Math.min(this.published, Number(maxId) - 1) : this.published;
      from = Math.max(1, to - limit + 1);
    }
    const ids: number[] = [];
    for (let k = to; k >= from; k -= 1) ids.push(k);
    return ids;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests += 1;
    const url = new URL(req.url ?? '/', this.url);
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '1000000',
      'x-ratelimit-remaining': '999999',
      'x-ratelimit-reset': new Date(Date.now() + 300_000).toISOString(),
    };
    if (req.method === 'GET' && url.pathname === '/api/v1/notifications') {
      const ids = this.page(url.searchParams);
      const link = ids.length
        ? `<${this.url}/api/v1/notifications?max_id=${ids.at(-1)}>; rel="next", <${this.url}/api/v1/notifications?min_id=${ids[0]}>; rel="prev"`
        : '';
      res.writeHead(200, link ? { ...headers, link } : headers).end(JSON.stringify(ids.map((k) => this.notification(k))));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/v1/streaming/user/notification') {
      this.openStream(res);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/v1/statuses') {
      this.reply(req, res, headers);
      return;
    }
    res.writeHead(404, headers).end(JSON.stringify({ error: 'Record not found' }));
  }

  private openStream(res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(':)\n\n');
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
    this.heartbeat ??= setInterval(() => {
      for (const r of this.streams) r.write(':thump\n\n');
    }, 10_000);
  }

  private reply(req: http.IncomingMessage, res: http.ServerResponse, headers: Record<string, string>): void {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      const parsed = JSON.parse(body) as { in_reply_to_id: string; status: string };
      const existing = [...this.replies.entries()].find(([, r]) => r.key === key && key);
      const id = existing?.[0] ?? (9n * 10n ** 17n + BigInt(this.replies.size + 1)).toString();
      if (!existing) {
        const at = Date.now();
        this.replies.set(id, { inReplyToId: parsed.in_reply_to_id, at, key });
        this.onReply?.(parsed.in_reply_to_id, at);
      }
      res
        .writeHead(200, headers)
        .end(JSON.stringify({ id, uri: `https://bench.example/statuses/${id}`, url: null, content: parsed.status }));
    });
  }
}

export function statusId(k: number): string {
  return (10n ** 17n + BigInt(k)).toString();
}

function account(user: number, followers?: number): unknown {
  return {
    id: String(user),
    acct: `user${user}@bench.example`,
    display_name: `User ${user}`,
    url: `https://bench.example/@u${user}`,
    followers_count: followers ?? (user * 7919) % 20_000,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
