import { generateKeyPairSync, randomUUID, verify, type KeyObject } from 'node:crypto';
import { json, RecordingServer, type CannedResponse, type RecordedRequest } from './recorder.js';
import { nth, present } from '../helpers/present.js';

/**
 * A local Google speaking the real wire formats: an OAuth2 token endpoint (JWT-bearer grant with
 * RS256 verification, refresh-token grant; expiring access tokens; `{"error":"invalid_grant"}`),
 * YouTube Data API v3 commentThreads/comments (API key or Bearer, quota units, 403 quotaExceeded),
 * Android Publisher v3 reviews (token paging, last-week window, :reply overwriting) and My Business
 * v4 reviews (pageToken, starRating enum, PUT reply). Errors use Google's standard error body.
 * Page tokens encode an offset into the live newest-first list, so items arriving between two
 * page requests show up twice, as on the real APIs.
 */

export interface YtThread {
  id: string;
  snippet: {
    channelId: string;
    videoId: string;
    canReply: boolean;
    totalReplyCount: number;
    isPublic: boolean;
    topLevelComment: { id: string; snippet: Record<string, unknown> };
  };
}

export interface PlayReview {
  reviewId: string;
  authorName: string;
  comments: Array<Record<string, unknown>>;
}

export interface BusinessReview {
  name: string;
  reviewId: string;
  reviewer: { displayName: string; isAnonymous: boolean };
  starRating: string;
  comment?: string;
  createTime: string;
  updateTime: string;
  reviewReply?: { comment: string; updateTime: string };
}

export const YT_SCOPE = 'https://www.googleapis.com/auth/youtube.force-ssl';
export const PLAY_SCOPE = 'https://www.googleapis.com/auth/androidpublisher';
export const GBP_SCOPE = 'https://www.googleapis.com/auth/business.manage';

const googleError = (code: number, status: string, message: string, reason?: string, domain = 'global') => ({
  error: { code, message, status, ...(reason ? { errors: [{ message, domain, reason }] } : {}) },
});
const UNAUTHENTICATED = googleError(
  401,
  'UNAUTHENTICATED',
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  'authError',
);
const send = (status: number, body: unknown): CannedResponse => json(status, body, { 'content-type': 'application/json; charset=UTF-8' });
const QUOTA = googleError(
  403,
  'PERMISSION_DENIED',
  'The request cannot be completed because you have exceeded your quota.',
  'quotaExceeded',
  'youtube.quota',
);

export class FakeGoogle extends RecordingServer {
  /** Runs before each request is answered (e.g. to add items between two page requests). */
  onRequest?: (path: string, query: URLSearchParams) => void;
  readonly tokenGrants: string[] = [];
  /** Seconds an issued access token lives. */
  tokenTtlSeconds = 3600;
  apiKey = 'yt-api-key';
  quota = { limit: 10_000, used: 0 };
  readonly threads: YtThread[] = [];
  readonly ytReplies: Array<{ id: string; parentId: string; text: string }> = [];
  readonly playReviews = new Map<string, PlayReview[]>();
  readonly playReplyCalls: Array<{ reviewId: string; replyText: string }> = [];
  readonly businessReviews: BusinessReview[] = [];
  readonly businessReplyCalls: Array<{ name: string; comment: string }> = [];
  protected override readonly placesScripts = true;

  private readonly serviceAccounts = new Map<string, { key: KeyObject; scopes: string[] }>();
  private readonly clients = new Map<string, { secret: string; refreshToken: string; scopes: string[] }>();
  private readonly tokens = new Map<string, { expiresAt: number; scope: string }>();
  private seq = 1;

  static start(): Promise<FakeGoogle> {
    return new FakeGoogle().start();
  }

  get url(): string {
    return this.base;
  }

  get tokenUri(): string {
    return `${this.url}/token`;
  }

  /** A service account the token endpoint trusts; returns its key-file JSON. */
  serviceAccount(scopes: string[] = [YT_SCOPE, PLAY_SCOPE, GBP_SCOPE]): {
    client_email: string;
    private_key: string;
    token_uri: string;
    type: string;
  } {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const email = `earshot-${this.seq++}@acme-project.iam.gserviceaccount.com`;
    this.serviceAccounts.set(email, { key: publicKey, scopes });
    return {
      type: 'service_account',
      client_email: email,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      token_uri: this.tokenUri,
    };
  }

  oauthClient(scopes: string[] = [YT_SCOPE, PLAY_SCOPE, GBP_SCOPE]): {
    clientId: string;
    clientSecret: string;
    refreshToken: string;
    tokenUri: string;
  } {
    const clientId = `${this.seq++}-abc.apps.googleusercontent.com`;
    const c = { secret: `secret-${randomUUID()}`, refreshToken: `1//refresh-${randomUUID()}`, scopes };
    this.clients.set(clientId, c);
    return { clientId, clientSecret: c.secret, refreshToken: c.refreshToken, tokenUri: this.tokenUri };
  }

  revokeAll(): void {
    this.serviceAccounts.clear();
    this.clients.clear();
    this.tokens.clear();
  }

  /** Every access token issued so far stops working (as when they pass their expiry early). */
  expireAccessTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  failNext(status: number, body: unknown, options: { times?: number; path?: string } = {}): void {
    const path = options.path;
    this.next(send(status, body), { times: options.times ?? 1, when: (r) => !path || r.path.startsWith(path) });
  }

  // ---- YouTube ------------------------------------------------------------------------------

  addComment(input: {
    videoId?: string;
    channelId?: string;
    text?: string;
    author?: string;
    publishedAt?: string;
    likes?: number;
  }): YtThread {
    const id = `Ugz${String(this.seq++).padStart(6, '0')}${randomUUID().slice(0, 8)}`;
    const author = input.author ?? 'erin';
    const text = input.text ?? 'acme rocks';
    const publishedAt = input.publishedAt ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const thread: YtThread = {
      id,
      snippet: {
        channelId: input.channelId ?? 'UCbrand',
        videoId: input.videoId ?? 'dQw4w9WgXcQ',
        canReply: true,
        totalReplyCount: 0,
        isPublic: true,
        topLevelComment: {
          id,
          snippet: {
            authorDisplayName: `@${author}`,
            authorChannelUrl: `http://www.youtube.com/@${author}`,
            authorChannelId: { value: `UC${author}` },
            textOriginal: text,
            likeCount: input.likes ?? 0,
            publishedAt,
            updatedAt: publishedAt,
          },
        },
      },
    };
    this.threads.push(thread);
    return thread;
  }

  /** Adds an item as-is (for malformed-item tests), in time order by `publishedAt` when it has one. */
  addRawThread(raw: Record<string, unknown>): void {
    this.threads.push(raw as unknown as YtThread);
  }

  // ---- Google Play --------------------------------------------------------------------------

  addPlayReview(pkg: string, input: { text?: string; stars?: number; author?: string; at?: Date; lang?: string } = {}): PlayReview {
    const review: PlayReview = {
      reviewId: `gp:AOqpTO${String(this.seq++).padStart(6, '0')}`,
      authorName: input.author ?? 'Frank',
      comments: [
        {
          userComment: {
            text: `\t${input.text ?? 'Crashes on login'}`,
            lastModified: { seconds: String(Math.floor((input.at ?? new Date()).getTime() / 1000)), nanos: 0 },
            starRating: input.stars ?? 2,
            reviewerLanguage: input.lang ?? 'en',
            appVersionName: '1.2.0',
            device: 'a52q',
            thumbsUpCount: 0,
          },
        },
      ],
    };
    this.addRawPlayReview(pkg, review);
    return review;
  }

  addRawPlayReview(pkg: string, review: unknown): void {
    if (!this.playReviews.has(pkg)) this.playReviews.set(pkg, []);
    present(this.playReviews.get(pkg)).push(review as PlayReview);
  }

  // ---- Business Profile ---------------------------------------------------------------------

  addBusinessReview(
    account: string,
    location: string,
    input: { comment?: string | null; stars?: string; name?: string; at?: Date; anonymous?: boolean } = {},
  ): BusinessReview {
    const reviewId = `AbFv${String(this.seq++).padStart(6, '0')}`;
    const at = (input.at ?? new Date()).toISOString();
    const review: BusinessReview = {
      name: `accounts/${account}/locations/${location}/reviews/${reviewId}`,
      reviewId,
      reviewer: { displayName: input.name ?? 'Hana', isAnonymous: input.anonymous ?? false },
      starRating: input.stars ?? 'TWO',
      ...(input.comment === null ? {} : { comment: input.comment ?? 'Rude staff' }),
      createTime: at,
      updateTime: at,
    };
    this.businessReviews.push(review);
    return review;
  }

  // ---- plumbing -----------------------------------------------------------------------------

  protected override failure(err: unknown): CannedResponse {
    return send(500, googleError(500, 'INTERNAL', String(err)));
  }

  protected respond(request: RecordedRequest): CannedResponse {
    this.onRequest?.(request.path, request.query);
    const scripted = this.scripted(request);
    if (scripted) return scripted;
    if (request.path === '/token' && request.method === 'POST') return this.token(request.form);
    if (request.path.startsWith('/youtube/v3/')) return this.youtube(request);
    if (request.path.startsWith('/androidpublisher/v3/')) return this.play(request);
    if (request.path.startsWith('/v4/')) return this.business(request);
    return send(404, googleError(404, 'NOT_FOUND', 'Not found'));
  }

  private token(form: URLSearchParams): CannedResponse {
    const grant = form.get('grant_type') ?? '';
    this.tokenGrants.push(grant);
    let scope: string | null = null;
    if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') scope = this.checkAssertion(form.get('assertion') ?? '');
    else if (grant === 'refresh_token') {
      const c = this.clients.get(form.get('client_id') ?? '');
      if (c && c.secret === form.get('client_secret') && c.refreshToken === form.get('refresh_token')) scope = c.scopes.join(' ');
    } else return send(400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grant}` });
    if (scope === null) return send(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    const token = `ya29.${randomUUID()}`;
    this.tokens.set(token, { expiresAt: Date.now() + this.tokenTtlSeconds * 1000, scope });
    return send(200, { access_token: token, expires_in: this.tokenTtlSeconds, token_type: 'Bearer' });
  }

  /** Verifies the RS256 assertion like Google does; returns the granted scope or null. */
  private checkAssertion(assertion: string): string | null {
    const claims = verifyJwt(assertion, 'RS256', (c) => this.serviceAccounts.get(String(c['iss']))?.key ?? null);
    if (!claims) return null;
    const sa = present(this.serviceAccounts.get(String(claims['iss'])));
    const now = Date.now() / 1000;
    const [iat, exp] = [Number(claims['iat']), Number(claims['exp'])];
    if (claims['aud'] !== this.tokenUri || !(exp > now) || exp - iat > 3600 || iat > now + 60) return null;
    const asked = String(claims['scope'] ?? '').split(' ');
    return asked.every((s) => sa.scopes.includes(s)) ? asked.join(' ') : null;
  }

  /** The bearer token's scope, or an error to send. */
  private bearer(request: RecordedRequest, scope: string): CannedResponse | null {
    const header = request.headers['authorization'] ?? '';
    const t = this.tokens.get(header.replace(/^Bearer /, ''));
    if (!header.startsWith('Bearer ') || !t || t.expiresAt <= Date.now()) return send(401, UNAUTHENTICATED);
    if (!t.scope.split(' ').includes(scope))
      return send(403, googleError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', 'insufficientPermissions'));
    return null;
  }

  private youtube(request: RecordedRequest): CannedResponse {
    const q = request.query;
    const key = q.get('key');
    const denied = key !== null ? (key === this.apiKey ? null : send(400, badKey())) : this.bearer(request, YT_SCOPE);
    if (denied) return denied;
    const cost = request.method === 'POST' ? 50 : 1;
    if (this.quota.used + cost > this.quota.limit) return send(403, QUOTA);
    this.quota.used += cost;
    if (request.method === 'GET' && request.path === '/youtube/v3/commentThreads') return this.listThreads(q);
    if (request.method === 'POST' && request.path === '/youtube/v3/comments') {
      if (key !== null)
        return send(
          401,
          googleError(401, 'UNAUTHENTICATED', 'API keys are not supported by this API. Expected OAuth2 access token.', 'required'),
        );
      const snippet = ((request.body ?? {}) as { snippet?: { parentId?: string; textOriginal?: string } }).snippet ?? {};
      const parent = this.threads.find((t) => t.id === snippet.parentId);
      if (!parent)
        return send(404, googleError(404, 'NOT_FOUND', 'The parent comment could not be found.', 'parentNotFound', 'youtube.comment'));
      if (!snippet.textOriginal)
        return send(400, googleError(400, 'INVALID_ARGUMENT', 'The comment is empty.', 'commentTextRequired', 'youtube.comment'));
      const id = `${parent.id}.${randomUUID().slice(0, 10)}`;
      parent.snippet.totalReplyCount++;
      this.ytReplies.push({ id, parentId: parent.id, text: snippet.textOriginal });
      return send(200, {
        kind: 'youtube#comment',
        id,
        snippet: {
          parentId: parent.id,
          textOriginal: snippet.textOriginal,
          textDisplay: snippet.textOriginal,
          authorChannelId: { value: 'UCbrand' },
        },
      });
    }
    return send(404, googleError(404, 'NOT_FOUND', 'Not found'));
  }

  private listThreads(q: URLSearchParams): CannedResponse {
    const channel = q.get('allThreadsRelatedToChannelId');
    const video = q.get('videoId');
    if ((channel === null) === (video === null))
      return send(400, googleError(400, 'INVALID_ARGUMENT', 'Exactly one filter is required.', 'missingRequiredParameter'));
    if (video === 'disabled')
      return send(
        403,
        googleError(403, 'PERMISSION_DENIED', 'The video has disabled comments.', 'commentsDisabled', 'youtube.commentThread'),
      );
    const terms = q.get('searchTerms')?.toLowerCase();
    const html = (q.get('textFormat') ?? 'html') === 'html';
    const items = this.threads
      .filter((t) => (channel ? t.snippet?.channelId === channel : t.snippet?.videoId === video))
      .filter(
        (t) =>
          !terms ||
          String(t.snippet?.topLevelComment?.snippet?.['textOriginal'] ?? '')
            .toLowerCase()
            .includes(terms),
      )
      .map((t) => withText(t, html));
    const byTime = (t: YtThread) => String(t.snippet?.topLevelComment?.snippet?.['publishedAt'] ?? '');
    const limit = clamp(q.get('maxResults'), 20, 100);
    const page = pageOf(sortDesc(items, byTime), q.get('pageToken'), limit);
    return send(200, {
      kind: 'youtube#commentThreadListResponse',
      ...(page.next ? { nextPageToken: page.next } : {}),
      pageInfo: { totalResults: page.items.length, resultsPerPage: limit },
      items: page.items,
    });
  }

  private play(request: RecordedRequest): CannedResponse {
    const denied = this.bearer(request, PLAY_SCOPE);
    if (denied) return denied;
    const m = /^\/androidpublisher\/v3\/applications\/([^/]+)\/reviews(?:\/([^/]+):reply)?$/.exec(request.path);
    if (!m) return send(404, googleError(404, 'NOT_FOUND', 'Not found'));
    const reviews = this.playReviews.get(decodeURIComponent(present(m[1])));
    if (!reviews) return send(404, googleError(404, 'NOT_FOUND', 'Package not found: ' + m[1]));
    if (request.method === 'GET' && !m[2]) {
      // The API only returns reviews created or modified in the last week.
      const weekAgo = (Date.now() - 7 * 86_400_000) / 1000;
      const modified = (r: PlayReview) =>
        Number((r.comments?.[0]?.['userComment'] as { lastModified?: { seconds?: string } } | undefined)?.lastModified?.seconds ?? 0);
      const recent = sortDesc(
        reviews.filter((r) => modified(r) >= weekAgo),
        (r) => String(modified(r)).padStart(12, '0'),
      );
      const page = pageOf(recent, request.query.get('token'), clamp(request.query.get('maxResults'), 100, 100));
      return send(200, {
        reviews: page.items,
        ...(page.next ? { tokenPagination: { nextPageToken: page.next } } : {}),
        pageInfo: { totalResults: recent.length, resultPerPage: page.items.length, startIndex: 0 },
      });
    }
    if (request.method === 'POST' && m[2]) {
      const review = reviews.find((r) => r.reviewId === decodeURIComponent(present(m[2])));
      if (!review) return send(404, googleError(404, 'NOT_FOUND', 'Review not found'));
      const replyText = String(((request.body ?? {}) as { replyText?: unknown }).replyText ?? '');
      if (replyText.length === 0 || [...replyText].length > 350)
        return send(400, googleError(400, 'INVALID_ARGUMENT', 'Reply text must be 1-350 characters.'));
      this.playReplyCalls.push({ reviewId: review.reviewId, replyText });
      const lastEdited = { seconds: String(Math.floor(Date.now() / 1000)), nanos: 0 };
      // One developer reply per review: a new one replaces the old.
      review.comments = [nth(review.comments, 0), { developerComment: { text: replyText, lastModified: lastEdited } }];
      return send(200, { result: { replyText, lastEdited } });
    }
    return send(404, googleError(404, 'NOT_FOUND', 'Not found'));
  }

  private business(request: RecordedRequest): CannedResponse {
    const denied = this.bearer(request, GBP_SCOPE);
    if (denied) return denied;
    const m = /^\/v4\/(accounts\/[^/]+\/locations\/[^/]+)\/reviews(?:\/([^/]+)\/reply)?$/.exec(request.path);
    if (!m) return send(404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.'));
    const here = this.businessReviews.filter((r) => String(r.name ?? '').startsWith(`${m[1]}/reviews/`));
    if (request.method === 'GET' && !m[2]) {
      const page = pageOf(
        sortDesc(here, (r) => String(r.updateTime ?? '')),
        request.query.get('pageToken'),
        clamp(request.query.get('pageSize'), 50, 50),
      );
      return send(200, {
        reviews: page.items,
        averageRating: 4.1,
        totalReviewCount: here.length,
        ...(page.next ? { nextPageToken: page.next } : {}),
      });
    }
    if (request.method === 'PUT' && m[2]) {
      const review = here.find((r) => r.reviewId === m[2]);
      if (!review) return send(404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.'));
      const comment = String(((request.body ?? {}) as { comment?: unknown }).comment ?? '');
      this.businessReplyCalls.push({ name: review.name, comment });
      review.reviewReply = { comment, updateTime: new Date().toISOString() };
      return send(200, review.reviewReply);
    }
    return send(404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.'));
  }
}

/** Verifies a compact JWS with node:crypto; returns its claims, or null when the signature or algorithm is wrong. */
export function verifyJwt(
  token: string,
  alg: 'RS256' | 'ES256',
  keyFor: (claims: Record<string, unknown>, header: Record<string, unknown>) => KeyObject | null,
): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(nth(parts, 0), 'base64url').toString()) as Record<string, unknown>;
    const claims = JSON.parse(Buffer.from(nth(parts, 1), 'base64url').toString()) as Record<string, unknown>;
    const key = keyFor(claims, header);
    if (header['alg'] !== alg || header['typ'] !== 'JWT' || !key) return null;
    const sig = Buffer.from(nth(parts, 2), 'base64url');
    const data = Buffer.from(`${parts[0]}.${parts[1]}`);
    const ok =
      alg === 'ES256'
        ? sig.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig)
        : verify('sha256', data, key, sig);
    return ok ? claims : null;
  } catch {
    return null;
  }
}

function withText(t: YtThread, html: boolean): YtThread {
  const s = t.snippet?.topLevelComment?.snippet;
  if (!s || typeof s['textOriginal'] !== 'string' || 'textDisplay' in s) return t;
  const text = s['textOriginal'];
  const display = html ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>') : text;
  return { ...t, snippet: { ...t.snippet, topLevelComment: { ...t.snippet.topLevelComment, snippet: { ...s, textDisplay: display } } } };
}

function badKey() {
  return {
    error: {
      code: 400,
      message: 'API key not valid. Please pass a valid API key.',
      status: 'INVALID_ARGUMENT',
      errors: [{ message: 'API key not valid. Please pass a valid API key.', domain: 'global', reason: 'badRequest' }],
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
    },
  };
}

function sortDesc<T>(items: T[], key: (t: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}

/** Offsets into the live list, opaque-looking like Google's tokens. */
function pageOf<T>(items: T[], token: string | null, limit: number): { items: T[]; next: string | null } {
  const offset = token ? Number(JSON.parse(Buffer.from(token, 'base64url').toString()).o) : 0;
  const slice = items.slice(offset, offset + limit);
  const more = offset + limit < items.length;
  return { items: slice, next: more ? Buffer.from(JSON.stringify({ o: offset + limit })).toString('base64url') : null };
}

function clamp(raw: string | null, def: number, max: number): number {
  const n = raw === null ? def : Number(raw);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : def;
}
