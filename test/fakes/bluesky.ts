import { createHash } from 'node:crypto';
import { JetstreamServer } from './bluesky-jetstream.js';
import { nsidOf, paginate, send, tid } from './bluesky-wire.js';
import type { CannedResponse, RecordedRequest } from './recorder.js';
import { nth, present } from '../helpers/present.js';

/**
 * A local Bluesky PDS (XRPC) plus a Jetstream endpoint, speaking the real wire format:
 * createSession/refreshSession with expiring JWTs (`ExpiredToken` at HTTP 400), newest-first
 * searchPosts and listNotifications with opaque cursors (an offset, so posts arriving between
 * two page reads shift the pages and repeat items, as on the real thing), getProfiles (≤25),
 * createRecord refusing a taken rkey, getRecord, RateLimit-* headers with an epoch reset and
 * 429 `RateLimitExceeded`. Jetstream: bluesky-jetstream.ts.
 */

export interface FakePost {
  uri: string;
  cid: string;
  author: { did: string; handle: string; displayName: string };
  record: Record<string, unknown>;
  replyCount: number;
  repostCount: number;
  likeCount: number;
  quoteCount: number;
  indexedAt: string;
  labels: unknown[];
}

export interface PostInput {
  text?: string;
  handle?: string;
  displayName?: string;
  followers?: number;
  reply?: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } };
  createdAt?: string;
  langs?: string[];
}

export class FakeBluesky extends JetstreamServer {
  readonly records = new Map<string, { uri: string; cid: string; value: Record<string, unknown> }>();
  identifier = 'acme.bsky.social';
  password = 'app-pass-1234';
  readonly did = 'did:plc:acmebrand';
  accessTtlMs = 2 * 3_600_000;
  sessionsCreated = 0;
  refreshes = 0;
  /** Runs after a request is logged and before it is answered (e.g. to add a post between two page reads). */
  onRequest?: (nsid: string) => void;
  /** This many createRecord calls store the record and then answer 502, as a gateway losing the answer does. */
  failAfterWrite = 0;

  private readonly search = new Map<string, FakePost[]>();
  private readonly notifications: Array<{ post: FakePost; reason: string; raw?: unknown }> = [];
  private readonly followers = new Map<string, number>();
  private readonly tokens = new Map<string, { kind: 'access' | 'refresh'; valid: boolean }>();
  protected override readonly placesScripts = true;
  private forced429: { left: number; reset: number } = { left: 0, reset: 0 };
  private remaining = 3000;
  private resetEpoch = Math.ceil(Date.now() / 1000) + 300;
  private seq = 0;
  // Recent, so the store's retention keeps what the fake sends.
  private clock = Date.now() - 3_600_000;

  static start(): Promise<FakeBluesky> {
    return new FakeBluesky().start();
  }

  get url(): string {
    return this.base;
  }

  get jetstreamUrl(): string {
    return `${this.url.replace(/^http/, 'ws')}/subscribe`;
  }

  /** A post by `handle` (did:plc:<handle>), indexed one second after the previous one. */
  post(input: PostInput = {}): FakePost {
    const handle = input.handle ?? 'alice.bsky.social';
    const did = `did:plc:${handle.split('.')[0]}`;
    this.clock += 1000;
    this.followers.set(did, input.followers ?? 42);
    const rkey = tid(this.clock * 1000 + (this.seq += 1));
    const record: Record<string, unknown> = {
      $type: 'app.bsky.feed.post',
      text: input.text ?? 'hello',
      createdAt: input.createdAt ?? new Date(this.clock - 500).toISOString(),
      langs: input.langs ?? ['en'],
      facets: [],
    };
    if (input.reply) record['reply'] = input.reply;
    return {
      uri: `at://${did}/app.bsky.feed.post/${rkey}`,
      cid: `bafyrei${createHash('sha256').update(rkey).digest('hex').slice(0, 20)}`,
      author: { did, handle, displayName: input.displayName ?? nth(handle.split('.'), 0) },
      record,
      replyCount: 0,
      repostCount: 1,
      likeCount: 2,
      quoteCount: 0,
      indexedAt: new Date(this.clock).toISOString(),
      labels: [],
    };
  }

  addSearchResult(q: string, post: FakePost | Record<string, unknown>): void {
    if (!this.search.has(q)) this.search.set(q, []);
    present(this.search.get(q)).unshift(post as FakePost);
  }

  addNotification(post: FakePost, reason = 'mention', raw?: Record<string, unknown>): void {
    this.notifications.unshift({ post, reason, raw });
  }

  /** Access tokens issued so far now answer `ExpiredToken`. */
  expireAccessTokens(): void {
    for (const t of this.tokens.values()) if (t.kind === 'access') t.valid = false;
  }

  expireRefreshTokens(): void {
    for (const t of this.tokens.values()) if (t.kind === 'refresh') t.valid = false;
  }

  rateLimitNext(count: number, reset: Date): void {
    this.forced429 = { left: count, reset: Math.ceil(reset.getTime() / 1000) };
  }

  setRateLimit(remaining: number, reset: Date): void {
    this.remaining = remaining;
    this.resetEpoch = Math.ceil(reset.getTime() / 1000);
  }

  failNext(status: number, body: unknown, options: { nsid?: string; times?: number } = {}): void {
    const nsid = options.nsid;
    this.next(
      { status, body: typeof body === 'string' ? body : JSON.stringify(body) },
      { times: options.times ?? 1, when: (r) => !nsid || nsidOf(r) === nsid },
    );
  }

  /** A Jetstream commit event creating `post`. */
  emitPost(post: FakePost): number {
    const [, , did, , rkey] = post.uri.split('/');
    return this.emit({
      did,
      kind: 'commit',
      commit: { rev: 'r', operation: 'create', collection: 'app.bsky.feed.post', rkey, record: post.record, cid: post.cid },
    });
  }

  protected override failure(err: unknown): CannedResponse {
    return send(500, { error: 'InternalServerError', message: String(err) });
  }

  protected respond(request: RecordedRequest): CannedResponse {
    const nsid = nsidOf(request);
    this.onRequest?.(nsid);
    const early = this.gate(request);
    if (early) return send(early.status, early.body, this.rateHeaders());
    if (nsid === 'com.atproto.server.createSession') return this.createSession(request.body);
    const token = this.checkToken(
      request.headers['authorization'] ?? null,
      nsid === 'com.atproto.server.refreshSession' ? 'refresh' : 'access',
    );
    if (token) return send(token.status, token.body, this.rateHeaders());
    const route = this.routes()[nsid];
    if (!route) return send(404, { error: 'XRPCNotSupported', message: 'XRPCNotSupported' }, this.rateHeaders());
    const [status, out] = route(request.query, request.raw ? (JSON.parse(request.raw) as Record<string, unknown>) : {});
    return send(status, out, this.rateHeaders());
  }

  private gate(request: RecordedRequest): { status: number; body: unknown } | null {
    if (this.forced429.left > 0) {
      this.forced429.left--;
      this.remaining = 0;
      this.resetEpoch = this.forced429.reset;
      return { status: 429, body: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' } };
    }
    const scripted = this.scripted(request);
    if (scripted) return { status: scripted.status, body: scripted.body };
    if (Date.now() / 1000 >= this.resetEpoch) [this.remaining, this.resetEpoch] = [3000, Math.ceil(Date.now() / 1000) + 300];
    if (this.remaining <= 0) return { status: 429, body: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' } };
    this.remaining--;
    return null;
  }

  private rateHeaders(): Record<string, string> {
    return {
      'ratelimit-limit': '3000',
      'ratelimit-remaining': String(Math.max(0, this.remaining)),
      'ratelimit-reset': String(this.resetEpoch),
      'ratelimit-policy': '3000;w=300',
    };
  }

  private createSession(body: unknown): CannedResponse {
    const input = (body ?? {}) as { identifier?: string; password?: string };
    if (input.identifier !== this.identifier || input.password !== this.password) {
      return send(401, { error: 'AuthenticationRequired', message: 'Invalid identifier or password' }, this.rateHeaders());
    }
    this.sessionsCreated++;
    return send(200, this.session(), this.rateHeaders());
  }

  private session(): Record<string, unknown> {
    const n = (this.seq += 1);
    const jwt = (kind: string, ttl: number) =>
      [
        'eyJhbGciOiJIUzI1NiJ9',
        Buffer.from(JSON.stringify({ scope: kind, sub: this.did, exp: Math.floor((Date.now() + ttl) / 1000), n })).toString('base64url'),
        'sig',
      ].join('.');
    const accessJwt = jwt('com.atproto.access', this.accessTtlMs);
    const refreshJwt = jwt('com.atproto.refresh', 90 * 86_400_000);
    this.tokens.set(accessJwt, { kind: 'access', valid: true });
    this.tokens.set(refreshJwt, { kind: 'refresh', valid: true });
    return { did: this.did, handle: this.identifier, email: 'care@acme.example', accessJwt, refreshJwt, active: true };
  }

  private checkToken(auth: string | null, kind: 'access' | 'refresh'): { status: number; body: unknown } | null {
    if (!auth) return { status: 401, body: { error: 'AuthMissing', message: 'Authentication Required' } };
    const t = this.tokens.get(auth.replace(/^Bearer /, ''));
    if (!t || t.kind !== kind) return { status: 400, body: { error: 'InvalidToken', message: 'Invalid token type' } };
    if (!t.valid) return { status: 400, body: { error: 'ExpiredToken', message: 'Token has expired' } };
    return null;
  }

  private routes(): Record<string, (q: URLSearchParams, body: Record<string, unknown>) => [number, unknown]> {
    return {
      'com.atproto.server.refreshSession': () => {
        this.refreshes++;
        this.expireRefreshTokens();
        return [200, this.session()];
      },
      'app.bsky.feed.searchPosts': (q) => {
        const since = q.get('since');
        const all = (this.search.get(q.get('q') ?? '') ?? []).filter((p) => !since || String(p.indexedAt) >= since);
        const { page, cursor } = paginate(all, q);
        return [200, { posts: page, ...(cursor ? { cursor } : {}) }];
      },
      'app.bsky.notification.listNotifications': (q) => {
        const reasons = q.getAll('reasons');
        const all = this.notifications.filter((n) => reasons.length === 0 || reasons.includes(n.reason));
        const { page, cursor } = paginate(all, q);
        const notifications = page.map(
          (n) =>
            n.raw ?? {
              uri: n.post.uri,
              cid: n.post.cid,
              author: n.post.author,
              reason: n.reason,
              record: n.post.record,
              isRead: false,
              indexedAt: n.post.indexedAt,
              labels: [],
            },
        );
        return [200, { notifications, ...(cursor ? { cursor } : {}) }];
      },
      'app.bsky.actor.getProfiles': (q) => {
        const actors = q.getAll('actors');
        if (actors.length > 25) return [400, { error: 'InvalidRequest', message: 'actors must not have more than 25 elements' }];
        return [
          200,
          {
            profiles: actors
              .filter((a) => this.followers.has(a))
              .map((did) => ({
                did,
                handle: `${did.slice(8)}.bsky.social`,
                followersCount: this.followers.get(did),
                followsCount: 1,
                postsCount: 3,
              })),
          },
        ];
      },
      'com.atproto.repo.createRecord': (_q, body) => {
        if (body['repo'] !== this.did) return [400, { error: 'InvalidRequest', message: 'Input/repo must be the authenticated account' }];
        const rkey = typeof body['rkey'] === 'string' ? body['rkey'] : tid(Date.now() * 1000 + (this.seq += 1));
        const uri = `at://${this.did}/${String(body['collection'])}/${rkey}`;
        if (this.records.has(uri)) return [400, { error: 'InvalidRequest', message: `Record already exists at ${uri}` }];
        const cid = `bafyrei${createHash('sha256').update(uri).digest('hex').slice(0, 20)}`;
        this.records.set(uri, { uri, cid, value: body['record'] as Record<string, unknown> });
        if (this.failAfterWrite > 0 && this.failAfterWrite--) return [502, { error: 'UpstreamFailure', message: 'Upstream Failure' }];
        return [200, { uri, cid, commit: { cid: 'bafyreicommit', rev: tid(Date.now() * 1000) }, validationStatus: 'valid' }];
      },
      'com.atproto.repo.getRecord': (q) => {
        const rec = this.records.get(`at://${q.get('repo')}/${q.get('collection')}/${q.get('rkey')}`);
        return rec ? [200, rec] : [400, { error: 'RecordNotFound', message: 'Could not locate record' }];
      },
    };
  }
}
