import { json, RecordingServer, type CannedResponse, type RecordedRequest } from './recorder.js';
import { present } from '../helpers/present.js';

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

const send = (status: number, body: unknown, headers: Record<string, string> = {}): CannedResponse =>
  json(status, body, { 'content-type': 'application/json; charset=UTF-8', ...headers });

export class FakeReddit extends RecordingServer {
  readonly comments: Array<{ thingId: string; text: string; name: string }> = [];
  clientId = 'app-id';
  clientSecret = 'app-secret';
  username = 'acme_care';
  password = 'hunter2';
  tokensIssued = 0;
  /** Next /api/comment answers come back with these errors (one per call). */
  readonly commentErrors: Array<[string, string, string]> = [];
  protected override readonly placesScripts = true;

  private readonly listings = new Map<string, Thing[]>();
  private readonly tokens = new Map<string, boolean>();
  private forced429 = 0;
  private remaining = 100;
  private resetSecs = 600;
  private seq = 1000;
  private clock = Math.floor(Date.now() / 1000) - 3600;

  static start(): Promise<FakeReddit> {
    return new FakeReddit().start();
  }

  get url(): string {
    return this.base;
  }

  thing(kind: 't1' | 't3', input: ThingInput = {}): Thing {
    const id = (this.seq++).toString(36);
    this.clock += 10;
    const author = input.author ?? 'bob';
    const sub = input.subreddit ?? 'acme';
    const common = {
      id,
      name: `${kind}_${id}`,
      author,
      author_fullname: `t2_${author}`,
      created_utc: this.clock + 0.0,
      subreddit: sub,
      score: input.score ?? 3,
    };
    if (kind === 't1') {
      const parent = input.parentId ?? 't3_p1';
      return {
        kind,
        data: {
          ...common,
          body: input.body ?? 'acme **support** is slow',
          body_html: '&lt;div class="md"&gt;…',
          link_id: 't3_p1',
          parent_id: parent,
          permalink: `/r/${sub}/comments/p1/title/${id}/`,
        },
      };
    }
    return {
      kind,
      data: {
        ...common,
        title: input.title ?? 'Acme outage?',
        selftext: input.selftext ?? '',
        num_comments: 4,
        url: `https://www.reddit.com/r/${sub}/comments/${id}/`,
        permalink: `/r/${sub}/comments/${id}/acme_outage/`,
      },
    };
  }

  /** Adds `thing` on top of the listing at `path` (e.g. `/r/acme/new`, or `/search?type=comment&q=acme`). */
  add(path: string, thing: Thing | Record<string, unknown>): void {
    if (!this.listings.has(path)) this.listings.set(path, []);
    present(this.listings.get(path)).unshift(thing as Thing);
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
    const path = options.path;
    this.next(
      { status, body: typeof body === 'string' ? body : JSON.stringify(body) },
      { times: options.times ?? 1, when: (r) => !path || r.path === path },
    );
  }

  protected override failure(err: unknown): CannedResponse {
    return send(500, { message: String(err), error: 500 });
  }

  protected respond(request: RecordedRequest): CannedResponse {
    if (request.path === '/api/v1/access_token') return this.token(request);
    if (this.forced429 > 0) {
      this.forced429--;
      return send(429, { message: 'Too Many Requests', error: 429 }, this.rateHeaders(0));
    }
    const scripted = this.scripted(request);
    if (scripted) return send(scripted.status, scripted.body, this.rateHeaders(this.remaining));
    const token = (request.headers['authorization'] ?? '').replace(/^bearer /i, '');
    if (!this.tokens.get(token)) return send(401, { message: 'Unauthorized', error: 401 }, this.rateHeaders(this.remaining));
    this.remaining = Math.max(0, this.remaining - 1);
    if (request.method === 'POST' && request.path === '/api/comment') return this.comment(request.form);
    const q = request.query;
    const key = request.path === '/search' ? `/search?type=${q.get('type')}&q=${q.get('q')}` : request.path;
    return this.listing(this.listings.get(key) ?? [], q);
  }

  private token(request: RecordedRequest): CannedResponse {
    const form = request.form;
    const basic = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
    if (request.headers['authorization'] !== basic) return send(401, { message: 'Unauthorized', error: 401 });
    const grant = form.get('grant_type');
    if (grant === 'password' && (form.get('username') !== this.username || form.get('password') !== this.password))
      return send(200, { error: 'invalid_grant' });
    if (grant !== 'password' && grant !== 'client_credentials') return send(200, { error: 'unsupported_grant_type' });
    const token = `tok-${++this.tokensIssued}`;
    this.tokens.set(token, true);
    return send(200, { access_token: token, token_type: 'bearer', expires_in: 3600, scope: grant === 'password' ? '*' : 'read' });
  }

  private listing(all: Thing[], q: URLSearchParams): CannedResponse {
    const limit = Math.min(Number(q.get('limit') ?? 25) || 25, 100);
    const after = q.get('after');
    const from = after ? all.findIndex((t) => t.data['name'] === after) + 1 : 0;
    const page = all.slice(from, from + limit);
    const next = from + limit < all.length ? String(page.at(-1)?.data['name']) : null;
    return send(
      200,
      { kind: 'Listing', data: { after: next, before: null, dist: page.length, modhash: '', children: page } },
      this.rateHeaders(this.remaining),
    );
  }

  private comment(form: URLSearchParams): CannedResponse {
    const error = this.commentErrors.shift();
    if (error) return send(200, { json: { errors: [error] } }, this.rateHeaders(this.remaining));
    const id = (this.seq++).toString(36);
    const name = `t1_${id}`;
    this.comments.push({ thingId: form.get('thing_id') ?? '', text: form.get('text') ?? '', name });
    const data = { id, name, body: form.get('text'), parent_id: form.get('thing_id'), permalink: `/r/acme/comments/p1/title/${id}/` };
    return send(200, { json: { errors: [], data: { things: [{ kind: 't1', data }] } } }, this.rateHeaders(this.remaining));
  }

  private rateHeaders(remaining: number): Record<string, string> {
    return {
      'x-ratelimit-used': String(100 - remaining),
      'x-ratelimit-remaining': remaining.toFixed(1),
      'x-ratelimit-reset': String(this.resetSecs),
    };
  }
}
