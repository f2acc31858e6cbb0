import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local Reddit (www for tokens, oauth for the API) in the real wire format: Basic-auth token
 * endpoint with 1-hour bearer tokens (`invalid_grant` at HTTP 200 for a bad password), Listings
 * newest first paged with `after=<fullname>`, Markdown bodies, X-Ratelimit-Used/Remaining/Reset
 * (seconds left), `{"message","error"}` error bodies, and /api/comment answering errors such
 * as RATELIMIT or THREAD_LOCKED inside an HTTP 200.
 */

export interface Thing {
  kind: 't1' | 't3';
  data: Record<string, unknown>;
}

export interface ThingInput {
  author?: string;
  body?: string;
  title?: string;
  selftext?: string;
  subreddit?: string;
  parentId?: string;
  score?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  form: URLSearchParams;
}

export class FakeReddit {
  readonly requests: LoggedRequest[] = [];
  readonly comments: Array<{ thingId: string; text: string; name: string }> = [];
  clientId = 'app-id';
  clientSecret = 'app-secret';
  username = 'acme_care';
  password = 'hunter2';
  tokensIssued = 0;
  /** Next /api/comment answers come back with these errors (one per call). */
  readonly commentErrors: Array<[string, string, string]> = [];

  private readonly listings = new Map<string, Thing[]>();
  private readonly tokens = new Map<string, boolean>();
  private readonly failures: Array<{ status: number; body: unknown; path?: string; left: number }> = [];
  private forced429 = 0;
  private remaining = 100;
  private resetSecs = 600;
  private seq = 1000;
  private clock = Math.floor(Date.now() / 1000) - 3600;

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<FakeReddit> {
    let fake: FakeReddit | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res).catch((err: unknown) => send(res, 500, { message: String(err), error: 500 })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeReddit(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  thing(kind: 't1' | 't3', input: ThingInput = {}): Thing {
    const id = (this.seq++).toString(36);
    this.clock += 10;
    const author = input.author ?? 'bob';
    const sub = input.subreddit ?? 'acme';
    const common = { id, name: `${kind}_${id}`, author, author_fullname: `t2_${author}`, created_utc: this.clock + 0.0, subreddit: sub, score: input.score ?? 3 };
    if (kind === 't1') {
      const parent = input.parentId ?? 't3_p1';
      return { kind, data: { ...common, body: input.body ?? 'acme **support** is slow', body_html: '&lt;div class="md"&gt;…', link_id: 't3_p1', parent_id: parent, permalink: `/r/${sub}/comments/p1/title/${id}/` } };
    }
    return { kind, data: { ...common, title: input.title ?? 'Acme outage?', selftext: input.selftext ?? '', num_comments: 4, url: `https://www.reddit.com/r/${sub}/comments/${id}/`, permalink: `/r/${sub}/comments/${id}/acme_outage/` } };
  }

  /** Adds `thing` on top of the listing at `path` (e.g. `/r/acme/new`, or `/search?type=comment&q=acme`). */
  add(path: string, thing: Thing | Record<string, unknown>): void {
    if (!this.listings.has(path)) this.listings.set(path, []);
    this.listings.get(path)!.unshift(thing as Thing);
  }

  expireTokens(): void {
    for (const k of this.tokens.keys()) this.tokens.set(k, false);
  }

  rateLimitNext(count: number, resetSecs: number): void {
    this.forced429 = count;
    this.resetSecs = resetSecs;
  }

  setRateLimit(remaining: number, resetSecs: number): void {
    this.remaining = remaining;
    this.resetSecs = resetSecs;
  }

  failNext(status: number, body: unknown, options: { path?: string; times?: number } = {}): void {
    this.failures.push({ status, body, path: options.path, left: options.times ?? 1 });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const form = new URLSearchParams(await readBody(req));
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, form });
    if (url.pathname === '/api/v1/access_token') return this.token(req, form, res);
    if (this.forced429 > 0) {
      this.forced429--;
      return send(res, 429, { message: 'Too Many Requests', error: 429 }, this.rateHeaders(0));
    }
    const failure = this.failures.find((f) => f.left > 0 && (!f.path || url.pathname === f.path));
    if (failure) {
      failure.left--;
      return send(res, failure.status, failure.body, this.rateHeaders(this.remaining));
    }
    const token = (req.headers.authorization ?? '').replace(/^bearer /i, '');
    if (!this.tokens.get(token)) return send(res, 401, { message: 'Unauthorized', error: 401 }, this.rateHeaders(this.remaining));
    this.remaining = Math.max(0, this.remaining - 1);
    if (req.method === 'POST' && url.pathname === '/api/comment') return this.comment(form, res);
    const key = url.pathname === '/search' ? `/search?type=${url.searchParams.get('type')}&q=${url.searchParams.get('q')}` : url.pathname;
    this.listing(this.listings.get(key) ?? [], url.searchParams, res);
  }

  private token(req: IncomingMessage, form: URLSearchParams, res: ServerResponse): void {
    const basic = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
    if (req.headers.authorization !== basic) return send(res, 401, { message: 'Unauthorized', error: 401 });
    const grant = form.get('grant_type');
    if (grant === 'password' && (form.get('username') !== this.username || form.get('password') !== this.password)) return send(res, 200, { error: 'invalid_grant' });
    if (grant !== 'password' && grant !== 'client_credentials') return send(res, 200, { error: 'unsupported_grant_type' });
    const token = `tok-${++this.tokensIssued}`;
    this.tokens.set(token, true);
    send(res, 200, { access_token: token, token_type: 'bearer', expires_in: 3600, scope: grant === 'password' ? '*' : 'read' });
  }

  private listing(all: Thing[], q: URLSearchParams, res: ServerResponse): void {
    const limit = Math.min(Number(q.get('limit') ?? 25) || 25, 100);
    const after = q.get('after');
    const from = after ? all.findIndex((t) => t.data['name'] === after) + 1 : 0;
    const page = all.slice(from, from + limit);
    const next = from + limit < all.length ? String(page.at(-1)?.data['name']) : null;
    send(res, 200, { kind: 'Listing', data: { after: next, before: null, dist: page.length, modhash: '', children: page } }, this.rateHeaders(this.remaining));
  }

  private comment(form: URLSearchParams, res: ServerResponse): void {
    const error = this.commentErrors.shift();
    if (error) return send(res, 200, { json: { errors: [error] } }, this.rateHeaders(this.remaining));
    const id = (this.seq++).toString(36);
    const name = `t1_${id}`;
    this.comments.push({ thingId: form.get('thing_id') ?? '', text: form.get('text') ?? '', name });
    const data = { id, name, body: form.get('text'), parent_id: form.get('thing_id'), permalink: `/r/acme/comments/p1/title/${id}/` };
    send(res, 200, { json: { errors: [], data: { things: [{ kind: 't1', data }] } } }, this.rateHeaders(this.remaining));
  }

  private rateHeaders(remaining: number): Record<string, string> {
    return { 'x-ratelimit-used': String(100 - remaining), 'x-ratelimit-remaining': remaining.toFixed(1), 'x-ratelimit-reset': String(this.resetSecs) };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
