import { json, type CannedResponse, type RecordedRequest } from './recorder.js';
import { MastodonStreamingServer } from './mastodon-streams.js';
import { present } from '../helpers/present.js';
import {
  accountFor,
  escapeHtml,
  idParam,
  isoMicros,
  linkHeader,
  merge,
  paginate,
  parseParams,
  type FakeMastodonOptions,
  type FakeStatus,
  type RecordedReply,
  type StatusInput,
  type Stored,
} from './mastodon-wire.js';

export type { FakeAccount, FakeMastodonOptions, FakeStatus, RecordedReply, StatusInput } from './mastodon-wire.js';

/**
 * A local Mastodon speaking the real wire format (mastodon/documentation): newest-first pages
 * with limit/max_id/since_id/min_id and Link headers, X-RateLimit-* with an ISO reset, 401/404/422/429
 * bodies as `{"error": …}`, and Idempotency-Key on POST /api/v1/statuses. Streaming as the
 * streaming server does it: `GET /api/v1/streaming/user/notification` and `/hashtag?tag=` hold a
 * text/event-stream open, open with `:)`, send `:thump` heartbeats, and write `event: <name>` +
 * `data: <json>` for each notification or tagged status as it is added.
 */

const send = (status: number, body: unknown, headers: Record<string, string> = {}): CannedResponse =>
  json(status, body, { 'content-type': 'application/json; charset=utf-8', ...headers });

const PAGE = {
  notifications: { def: 40, max: 80 },
  tag: { def: 20, max: 40 },
  search: { def: 20, max: 40 },
};

export class FakeMastodon extends MastodonStreamingServer {
  readonly replies: RecordedReply[] = [];
  /** Runs after a reply is recorded and before the response is sent (e.g. to kill a worker mid-publish). */
  onReply?: (reply: RecordedReply) => void | Promise<void>;
  /** Holds the reply response back this long after recording it. */
  replyDelayMs = 0;

  private readonly notifications: Stored[] = [];
  private readonly tags = new Map<string, Stored[]>();
  private readonly searches = new Map<string, Stored[]>();
  private readonly statuses = new Map<string, FakeStatus>();
  private readonly idempotent = new Map<string, FakeStatus>();
  protected override readonly placesScripts = true;
  private forced429 = { left: 0, reset: null as Date | null, path: null as string | null };
  private readonly limit: number;
  private readonly windowMs: number;
  private remaining: number;
  private resetAt: Date;
  private nextStatusId = 111_000_000_000_000_000n;
  // Notification ids are small autoincrement numbers; starting below 1000 makes string comparison fail loudly.
  private nextNotificationId = 990n;
  private readonly token: string | null;
  private readonly publicTags: boolean;
  private readonly maxCharacters: number;

  private constructor(options: FakeMastodonOptions) {
    super(options.heartbeatMs ?? 15_000);
    this.token = options.token === undefined ? 'fake-token' : options.token;
    this.publicTags = options.publicTagTimelines ?? true;
    this.limit = options.rateLimit?.limit ?? 300;
    this.windowMs = options.rateLimit?.windowMs ?? 5 * 60_000;
    this.maxCharacters = options.maxCharacters ?? 500;
    this.remaining = this.limit;
    this.resetAt = new Date(Date.now() + this.windowMs);
  }

  static start(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
    return new FakeMastodon(options).start();
  }

  get url(): string {
    return this.base;
  }

  /** Builds a status with the next id (ids grow like Mastodon's snowflakes) and remembers it for replies. */
  status(input: StatusInput = {}): FakeStatus {
    const id = String(this.nextStatusId);
    this.nextStatusId += 65_536n * 3n + 17n;
    const acct = input.acct ?? 'alice@remote.example';
    const [username, domain] = acct.split('@') as [string, string | undefined];
    const home = domain ? `https://${domain}` : this.url;
    const status: FakeStatus = {
      id,
      created_at: input.createdAt ?? new Date().toISOString(),
      in_reply_to_id: input.inReplyToId ?? null,
      in_reply_to_account_id: null,
      visibility: 'public',
      language: input.language === undefined ? 'en' : input.language,
      sensitive: Boolean(input.spoilerText),
      spoiler_text: input.spoilerText ?? '',
      uri: input.uri ?? `${home}/users/${username}/statuses/${id}`,
      url: input.url === undefined ? `${home}/@${username}/${id}` : input.url,
      content: input.content ?? `<p>${escapeHtml(input.text ?? 'hello')}</p>`,
      account: accountFor(acct, home, input),
      mentions: [],
      tags: [],
      reblog: input.reblog ?? null,
      replies_count: input.replies ?? 0,
      reblogs_count: input.reblogs ?? 0,
      favourites_count: input.favourites ?? 0,
      edited_at: null,
    };
    this.statuses.set(id, status);
    return status;
  }

  /** A fresh status with `patch` deep-merged in (a key set to undefined is removed): for wrong types or missing fields. */
  malformedStatus(patch: Record<string, unknown>): Record<string, unknown> {
    return merge(structuredClone(this.status()) as unknown as Record<string, unknown>, patch);
  }

  /** Delivers `status` as a mention notification; returns the notification id. */
  addMention(status: FakeStatus | Record<string, unknown>): string {
    const id = this.nextNotificationId++;
    const account = (status as { account?: unknown }).account ?? null;
    const payload = { id: String(id), type: 'mention', created_at: new Date().toISOString(), account, status };
    this.notifications.push({ order: id, payload });
    this.push('user:notification', 'notification', payload);
    return String(id);
  }

  /** Adds a raw notification of any type (e.g. `favourite`), for filtering checks. */
  addNotification(payload: Record<string, unknown>): string {
    const id = this.nextNotificationId++;
    this.notifications.push({ order: id, payload: { ...payload, id: String(id) } });
    this.push('user:notification', 'notification', { ...payload, id: String(id) });
    return String(id);
  }

  /** Makes a hashtag known (an unknown one answers 404). */
  addTag(tag: string): void {
    if (!this.tags.has(tag.toLowerCase())) this.tags.set(tag.toLowerCase(), []);
  }

  addTagPost(tag: string, status: FakeStatus | Record<string, unknown>): void {
    this.addTag(tag);
    present(this.tags.get(tag.toLowerCase())).push(this.stored(status));
    this.push(`hashtag:${tag.toLowerCase()}`, 'update', status);
  }

  addSearchResult(query: string, status: FakeStatus | Record<string, unknown>): void {
    const key = query.trim().toLowerCase();
    if (!this.searches.has(key)) this.searches.set(key, []);
    present(this.searches.get(key)).push(this.stored(status));
  }

  /** The next `count` requests (optionally only those under `path`) answer 429 `{"error":"Too many requests"}` with Remaining 0. */
  rateLimitNext(count = 1, options: { reset?: Date; path?: string } = {}): void {
    this.forced429 = { left: count, reset: options.reset ?? null, path: options.path ?? null };
  }

  /** The next `times` requests (optionally only those whose path starts with `path`) get this status and body. */
  failNext(status: number, body: unknown = { error: 'Internal server error' }, options: { times?: number; path?: string } = {}): void {
    const path = options.path;
    this.next(
      { status, body: typeof body === 'string' ? body : JSON.stringify(body) },
      { times: options.times ?? 1, when: (r) => !path || r.path.startsWith(path) },
    );
  }

  /** Sets the current rate-limit window, e.g. `{ remaining: 1 }` so the next request spends the budget. */
  setRateLimit(state: { remaining?: number; reset?: Date }): void {
    if (state.remaining !== undefined) this.remaining = state.remaining;
    if (state.reset) this.resetAt = state.reset;
  }

  private stored(status: unknown): Stored {
    const id = (status as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && /^\d+$/.test(id)) return { order: BigInt(id), payload: status };
    const order = this.nextStatusId;
    this.nextStatusId += 65_536n;
    return { order, payload: status };
  }

  protected respond(request: RecordedRequest): CannedResponse | Promise<CannedResponse> {
    const early = this.gate(request);
    if (early) return early;
    const auth = this.checkAuth(request);
    if (auth) return send(401, { error: auth }, this.rateHeaders());
    if (request.method === 'GET') return this.routeGet(request);
    if (request.method === 'POST' && request.path === '/api/v1/statuses') return this.postStatus(request);
    return send(404, { error: 'Record not found' }, this.rateHeaders());
  }

  /** Forced 429s, then scripted failures, then the request budget, in the order Rack::Attack would see them. */
  private gate(request: RecordedRequest): CannedResponse | null {
    const path = request.path;
    if (this.forced429.left > 0 && (!this.forced429.path || path.startsWith(this.forced429.path))) {
      this.forced429.left--;
      const headers = {
        ...this.rateHeaders(),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': isoMicros(this.forced429.reset ?? this.resetAt),
      };
      return send(429, { error: 'Too many requests' }, headers);
    }
    const scripted = this.scripted(request);
    if (scripted) return send(scripted.status, scripted.body, this.rateHeaders());
    if (Date.now() >= this.resetAt.getTime()) {
      this.remaining = this.limit;
      this.resetAt = new Date(Date.now() + this.windowMs);
    }
    if (this.remaining <= 0) return send(429, { error: 'Too many requests' }, this.rateHeaders());
    this.remaining--;
    return null;
  }

  private rateHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.remaining)),
      'x-ratelimit-reset': isoMicros(this.resetAt),
    };
  }

  /** Returns an error message when the request may not proceed, null when it may. */
  private checkAuth(request: RecordedRequest): string | null {
    if (this.token === null) return null;
    const header = request.headers['authorization'];
    const path = request.path;
    if (header !== undefined) return header === `Bearer ${this.token}` ? null : 'The access token is invalid';
    if (path.startsWith('/api/v1/timelines/tag/') && this.publicTags) return null;
    return 'The access token is invalid';
  }

  private routeGet(request: RecordedRequest): CannedResponse {
    const q = request.query;
    if (request.path === '/api/v1/streaming/user/notification') return this.openStream('user:notification');
    if (request.path === '/api/v1/streaming/hashtag') {
      const tag = q.get('tag');
      if (!tag) return send(400, { error: 'Missing parameter: tag' });
      return this.openStream(`hashtag:${tag.toLowerCase()}`);
    }
    if (request.path === '/api/v1/notifications') {
      const types = q.getAll('types[]');
      const excluded = q.getAll('exclude_types[]');
      const items = this.notifications.filter((n) => {
        const type = (n.payload as { type?: string }).type ?? '';
        return (types.length === 0 || types.includes(type)) && !excluded.includes(type);
      });
      return this.sendPage(request, items, PAGE.notifications, (page) => page);
    }
    const tag = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(request.path);
    if (tag?.[1]) {
      const items = this.tags.get(decodeURIComponent(tag[1]).toLowerCase());
      if (!items) return send(404, { error: 'Record not found' }, this.rateHeaders());
      return this.sendPage(request, items, PAGE.tag, (page) => page);
    }
    if (request.path === '/api/v2/search') {
      const type = q.get('type');
      const items = type === null || type === 'statuses' ? (this.searches.get((q.get('q') ?? '').trim().toLowerCase()) ?? []) : [];
      return this.sendPage(request, items, PAGE.search, (page) => ({ accounts: [], statuses: page, hashtags: [] }));
    }
    return send(404, { error: 'Record not found' }, this.rateHeaders());
  }

  private sendPage(
    request: RecordedRequest,
    items: Stored[],
    sizes: { def: number; max: number },
    wrap: (page: unknown[]) => unknown,
  ): CannedResponse {
    const q = request.query;
    const limit = Math.min(Math.max(Number(q.get('limit') ?? sizes.def) || sizes.def, 1), sizes.max);
    const page = paginate(items, limit, idParam(q, 'max_id'), idParam(q, 'since_id'), idParam(q, 'min_id'));
    const headers = this.rateHeaders();
    const [newest, oldest] = [page[0], page.at(-1)];
    if (newest && oldest)
      headers['link'] = linkHeader(new URL(`${request.path}?${q.toString()}`, this.url), limit, oldest.order, newest.order);
    return send(200, wrap(page.map((s) => s.payload)), headers);
  }

  private async postStatus(request: RecordedRequest): Promise<CannedResponse> {
    const params = parseParams(request.headers['content-type'] ?? '', request.raw);
    const key = request.headers['idempotency-key'] ?? null;
    const seen = key ? this.idempotent.get(key) : undefined;
    if (seen) return send(200, seen, this.rateHeaders());
    const text = String(params['status'] ?? '');
    const visibility = String(params['visibility'] ?? 'public');
    const inReplyTo = params['in_reply_to_id'] ? String(params['in_reply_to_id']) : null;
    const invalid = this.validateStatus(text, visibility);
    if (invalid) return send(422, { error: invalid }, this.rateHeaders());
    const parent = inReplyTo ? this.statuses.get(inReplyTo) : undefined;
    if (inReplyTo && !parent) return send(404, { error: 'Record not found' }, this.rateHeaders());
    const posted = this.status({ text, acct: 'acmecare', displayName: 'Acme Care', inReplyToId: inReplyTo });
    posted.visibility = visibility;
    posted.in_reply_to_account_id = parent ? parent.account.id : null;
    const reply: RecordedReply = { id: posted.id, status: text, inReplyToId: inReplyTo, visibility, idempotencyKey: key, posted };
    this.replies.push(reply);
    if (key) this.idempotent.set(key, posted);
    await this.onReply?.(reply);
    if (this.replyDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.replyDelayMs));
    return send(200, posted, this.rateHeaders());
  }

  private validateStatus(text: string, visibility: string): string | null {
    if (text.trim() === '') return "Validation failed: Text can't be blank";
    if ([...text].length > this.maxCharacters) return `Validation failed: Text character limit of ${this.maxCharacters} exceeded`;
    if (!['public', 'unlisted', 'private', 'direct'].includes(visibility))
      return 'Validation failed: Visibility is not included in the list';
    return null;
  }
}

/** Mastodon's `paginate_by_id`: max_id = older than, since_id = newest above, min_id = the page just above. */
