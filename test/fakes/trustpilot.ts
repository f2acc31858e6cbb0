import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoggedRequest } from './google.js';

/**
 * A local Trustpilot API (shapes from the third-party OpenAPI description; see the platform doc):
 * public business-unit reviews with `apikey`, page/perPage, orderBy=createdat.desc and a
 * `links` array whose `next-page` entry points at the next page number; the business-user OAuth
 * token endpoints (password and refresh grants, Basic client auth, `expires_in` as a string);
 * POST /v1/private/reviews/{id}/reply → 201 with an empty body, each call adding a reply.
 */

export interface TpReview {
  id: string;
  stars: number;
  title: string;
  text: string;
  language: string;
  createdAt: string;
  updatedAt: string | null;
  status: string;
  consumer: { id: string; displayName: string };
  companyReply?: { text: string; createdAt: string };
}

export class FakeTrustpilot {
  readonly requests: LoggedRequest[] = [];
  /** Runs before each request is answered (e.g. to add reviews between two page requests). */
  onRequest?: (path: string, query: URLSearchParams) => void;
  readonly reviews = new Map<string, TpReview[]>();
  readonly replies: Array<{ reviewId: string; message: string; authorBusinessUserId: string }> = [];
  readonly grants: string[] = [];
  apiKey = 'tp-api-key';
  apiSecret = 'tp-api-secret';
  user = { username: 'care@acme.example', password: 'hunter2', businessUserId: 'bu-user-1' };
  tokenTtlSeconds = 359_999;
  private readonly tokens = new Map<string, number>();
  private readonly refreshTokens = new Set<string>();
  private failures: Array<{ status: number; body: string; path?: string; left: number; headers: Record<string, string> }> = [];
  private seq = 1;

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<FakeTrustpilot> {
    let fake: FakeTrustpilot | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res).catch((err: unknown) => send(res, 500, { message: String(err) })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeTrustpilot(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addReview(unit: string, input: { stars?: number; title?: string; text?: string; name?: string; at?: Date; language?: string } = {}): TpReview {
    const review: TpReview = {
      id: `65a0c0ffee${String(this.seq++).padStart(14, '0')}`,
      stars: input.stars ?? 1,
      title: input.title ?? 'Never arrived',
      text: input.text ?? 'Ordered two weeks ago, nothing yet.',
      language: input.language ?? 'en',
      createdAt: (input.at ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      updatedAt: null,
      status: 'active',
      consumer: { id: `5f${String(this.seq++).padStart(10, '0')}`, displayName: input.name ?? 'Ivan' },
    };
    this.addRaw(unit, review);
    return review;
  }

  addRaw(unit: string, review: unknown): void {
    if (!this.reviews.has(unit)) this.reviews.set(unit, []);
    this.reviews.get(unit)!.push(review as TpReview);
  }

  failNext(status: number, body: unknown, options: { times?: number; path?: string; headers?: Record<string, string> } = {}): void {
    this.failures.push({ status, body: typeof body === 'string' ? body : JSON.stringify(body), path: options.path, left: options.times ?? 1, headers: options.headers ?? {} });
  }

  expireAccessTokens(): void {
    for (const t of this.tokens.keys()) this.tokens.set(t, 0);
  }

  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body });
    this.onRequest?.(url.pathname, url.searchParams);
    const failure = this.failures.find((f) => f.left > 0 && (!f.path || url.pathname.startsWith(f.path)));
    if (failure) {
      failure.left--;
      return send(res, failure.status, failure.body, failure.headers);
    }
    if (url.pathname.startsWith('/v1/oauth/oauth-business-users-for-applications/')) return this.token(req, url.pathname, new URLSearchParams(body), res);
    const reply = /^\/v1\/private\/reviews\/([^/]+)\/reply$/.exec(url.pathname);
    if (req.method === 'POST' && reply) return this.reply(req, decodeURIComponent(reply[1]!), body, res);
    const list = /^\/v1\/business-units\/([^/]+)\/reviews$/.exec(url.pathname);
    if (req.method === 'GET' && list) {
      if (url.searchParams.get('apikey') !== this.apiKey) return send(res, 401, { fault: { faultstring: 'Invalid ApiKey', detail: { errorcode: 'oauth.v2.InvalidApiKey' } } });
      return this.list(decodeURIComponent(list[1]!), url, res);
    }
    send(res, 404, { message: 'Not found' });
  }

  private token(req: IncomingMessage, path: string, form: URLSearchParams, res: ServerResponse): void {
    const grant = form.get('grant_type') ?? '';
    this.grants.push(grant);
    if (req.headers.authorization !== `Basic ${Buffer.from(`${this.apiKey}:${this.apiSecret}`).toString('base64')}`) return send(res, 401, { error: 'invalid_client' });
    const ok =
      (path.endsWith('/accesstoken') && grant === 'password' && form.get('username') === this.user.username && form.get('password') === this.user.password) ||
      (path.endsWith('/refresh') && grant === 'refresh_token' && this.refreshTokens.has(form.get('refresh_token') ?? ''));
    if (!ok) return send(res, 400, { error: 'invalid_grant', error_description: 'The credentials are invalid' });
    const token = `tp-at-${randomUUID()}`;
    const refresh = `tp-rt-${randomUUID()}`;
    this.tokens.set(token, Date.now() + this.tokenTtlSeconds * 1000);
    this.refreshTokens.add(refresh);
    send(res, 200, { access_token: token, refresh_token: refresh, expires_in: String(this.tokenTtlSeconds), issued_at: String(Date.now()), token_type: 'BearerToken' });
  }

  private reply(req: IncomingMessage, reviewId: string, body: string, res: ServerResponse): void {
    const until = this.tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!until || until <= Date.now()) return send(res, 401, { fault: { faultstring: 'Invalid access token', detail: { errorcode: 'oauth.v2.InvalidAccessToken' } } });
    const review = [...this.reviews.values()].flat().find((r) => r.id === reviewId);
    if (!review) return send(res, 404, { message: 'Review not found' });
    const doc = JSON.parse(body || '{}') as { message?: string; authorBusinessUserId?: string };
    if (!doc.message || doc.authorBusinessUserId !== this.user.businessUserId) return send(res, 400, { message: 'message and a valid authorBusinessUserId are required' });
    this.replies.push({ reviewId, message: doc.message, authorBusinessUserId: doc.authorBusinessUserId });
    review.companyReply = { text: doc.message, createdAt: new Date().toISOString() };
    res.writeHead(201);
    res.end();
  }

  private list(unit: string, url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    if (q.get('orderBy') !== 'createdat.desc') return send(res, 400, { message: 'this fake only serves orderBy=createdat.desc' });
    const perPage = Math.min(Number(q.get('perPage') ?? 20), 100);
    const page = Math.max(1, Number(q.get('page') ?? 1));
    const stars = q.get('stars')?.split(',').map(Number);
    const all = (this.reviews.get(unit) ?? [])
      .filter((r) => !stars || stars.includes(r.stars))
      .sort((a, b) => Date.parse(b.createdAt ?? '') - Date.parse(a.createdAt ?? ''));
    const items = all.slice((page - 1) * perPage, page * perPage);
    const links: Array<{ href: string; method: string; rel: string }> = [];
    if (page * perPage < all.length) {
      const next = new URL(`${this.url}${url.pathname}`);
      next.searchParams.set('page', String(page + 1));
      next.searchParams.set('perPage', String(perPage));
      links.push({ href: next.toString(), method: 'GET', rel: 'next-page' });
    }
    send(res, 200, { reviews: items, links });
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
