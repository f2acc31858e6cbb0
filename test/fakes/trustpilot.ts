import { randomUUID } from 'node:crypto';
import { json as send, RecordingServer, type CannedResponse, type RecordedRequest } from './recorder.js';
import { present } from '../helpers/present.js';

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

export class FakeTrustpilot extends RecordingServer {
  /** Runs before each request is answered (e.g. to add reviews between two page requests). */
  onRequest?: (path: string, query: URLSearchParams) => void;
  readonly reviews = new Map<string, TpReview[]>();
  readonly replies: Array<{ reviewId: string; message: string; authorBusinessUserId: string }> = [];
  readonly grants: string[] = [];
  apiKey = 'tp-api-key';
  apiSecret = 'tp-api-secret';
  user = { username: 'care@acme.example', password: 'hunter2', businessUserId: 'bu-user-1' };
  tokenTtlSeconds = 359_999;
  protected override readonly placesScripts = true;
  private readonly tokens = new Map<string, number>();
  private readonly refreshTokens = new Set<string>();
  private seq = 1;

  static start(): Promise<FakeTrustpilot> {
    return new FakeTrustpilot().start();
  }

  get url(): string {
    return this.base;
  }

  addReview(
    unit: string,
    input: { stars?: number; title?: string; text?: string; name?: string; at?: Date; language?: string } = {},
  ): TpReview {
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
    present(this.reviews.get(unit)).push(review as TpReview);
  }

  failNext(status: number, body: unknown, options: { times?: number; path?: string; headers?: Record<string, string> } = {}): void {
    const path = options.path;
    this.next(send(status, body, options.headers), { times: options.times ?? 1, when: (r) => !path || r.path.startsWith(path) });
  }

  expireAccessTokens(): void {
    for (const t of this.tokens.keys()) this.tokens.set(t, 0);
  }

  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  protected respond(request: RecordedRequest): CannedResponse {
    this.onRequest?.(request.path, request.query);
    const scripted = this.scripted(request);
    if (scripted) return scripted;
    if (request.path.startsWith('/v1/oauth/oauth-business-users-for-applications/')) return this.token(request);
    const reply = /^\/v1\/private\/reviews\/([^/]+)\/reply$/.exec(request.path);
    if (request.method === 'POST' && reply?.[1]) return this.reply(request, decodeURIComponent(reply[1]));
    const list = /^\/v1\/business-units\/([^/]+)\/reviews$/.exec(request.path);
    if (request.method === 'GET' && list?.[1]) {
      if (request.query.get('apikey') !== this.apiKey)
        return send(401, { fault: { faultstring: 'Invalid ApiKey', detail: { errorcode: 'oauth.v2.InvalidApiKey' } } });
      return this.list(decodeURIComponent(list[1]), request);
    }
    return send(404, { message: 'Not found' });
  }

  private token(request: RecordedRequest): CannedResponse {
    const form = request.form;
    const grant = form.get('grant_type') ?? '';
    this.grants.push(grant);
    if (request.headers['authorization'] !== `Basic ${Buffer.from(`${this.apiKey}:${this.apiSecret}`).toString('base64')}`)
      return send(401, { error: 'invalid_client' });
    const ok =
      (request.path.endsWith('/accesstoken') &&
        grant === 'password' &&
        form.get('username') === this.user.username &&
        form.get('password') === this.user.password) ||
      (request.path.endsWith('/refresh') && grant === 'refresh_token' && this.refreshTokens.has(form.get('refresh_token') ?? ''));
    if (!ok) return send(400, { error: 'invalid_grant', error_description: 'The credentials are invalid' });
    const token = `tp-at-${randomUUID()}`;
    const refresh = `tp-rt-${randomUUID()}`;
    this.tokens.set(token, Date.now() + this.tokenTtlSeconds * 1000);
    this.refreshTokens.add(refresh);
    return send(200, {
      access_token: token,
      refresh_token: refresh,
      expires_in: String(this.tokenTtlSeconds),
      issued_at: String(Date.now()),
      token_type: 'BearerToken',
    });
  }

  private reply(request: RecordedRequest, reviewId: string): CannedResponse {
    const until = this.tokens.get((request.headers['authorization'] ?? '').replace(/^Bearer /, ''));
    if (!until || until <= Date.now())
      return send(401, { fault: { faultstring: 'Invalid access token', detail: { errorcode: 'oauth.v2.InvalidAccessToken' } } });
    const review = [...this.reviews.values()].flat().find((r) => r.id === reviewId);
    if (!review) return send(404, { message: 'Review not found' });
    const doc = (request.body ?? {}) as { message?: string; authorBusinessUserId?: string };
    if (!doc.message || doc.authorBusinessUserId !== this.user.businessUserId)
      return send(400, { message: 'message and a valid authorBusinessUserId are required' });
    this.replies.push({ reviewId, message: doc.message, authorBusinessUserId: doc.authorBusinessUserId });
    review.companyReply = { text: doc.message, createdAt: new Date().toISOString() };
    return { status: 201 };
  }

  private list(unit: string, request: RecordedRequest): CannedResponse {
    const q = request.query;
    if (q.get('orderBy') !== 'createdat.desc') return send(400, { message: 'this fake only serves orderBy=createdat.desc' });
    const perPage = Math.min(Number(q.get('perPage') ?? 20), 100);
    const page = Math.max(1, Number(q.get('page') ?? 1));
    const stars = q.get('stars')?.split(',').map(Number);
    const all = (this.reviews.get(unit) ?? [])
      .filter((r) => !stars || stars.includes(r.stars))
      .sort((a, b) => Date.parse(b.createdAt ?? '') - Date.parse(a.createdAt ?? ''));
    const items = all.slice((page - 1) * perPage, page * perPage);
    const links: Array<{ href: string; method: string; rel: string }> = [];
    if (page * perPage < all.length) {
      const next = new URL(`${this.url}${request.path}`);
      next.searchParams.set('page', String(page + 1));
      next.searchParams.set('perPage', String(perPage));
      links.push({ href: next.toString(), method: 'GET', rel: 'next-page' });
    }
    return send(200, { reviews: items, links });
  }
}
