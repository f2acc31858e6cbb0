import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { RecordingServer, type CannedResponse, type RecordedRequest } from './recorder.js';
import { present } from '../helpers/present.js';
import {
  business,
  GBP_SCOPE,
  googleError,
  play,
  PLAY_SCOPE,
  send,
  UNAUTHENTICATED,
  youtube,
  YT_SCOPE,
  type BusinessReview,
  type GoogleData,
  type PlayReview,
  type YtThread,
} from './google-apis.js';
import { verifyJwt } from './jwt.js';

export { GBP_SCOPE, PLAY_SCOPE, YT_SCOPE, type BusinessReview, type PlayReview, type YtThread } from './google-apis.js';
/**
 * A local Google speaking the real wire formats: an OAuth2 token endpoint (JWT-bearer grant with
 * RS256 verification, refresh-token grant; expiring access tokens; `{"error":"invalid_grant"}`),
 * YouTube Data API v3 commentThreads/comments (API key or Bearer, quota units, 403 quotaExceeded),
 * Android Publisher v3 reviews (token paging, last-week window, :reply overwriting) and My Business
 * v4 reviews (pageToken, starRating enum, PUT reply). Errors use Google's standard error body.
 * Page tokens encode an offset into the live newest-first list, so items arriving between two
 * page requests show up twice, as on the real APIs.
 */

export class FakeGoogle extends RecordingServer implements GoogleData {
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
    if (request.path.startsWith('/youtube/v3/')) return youtube(this, request);
    if (request.path.startsWith('/androidpublisher/v3/')) return play(this, request);
    if (request.path.startsWith('/v4/')) return business(this, request);
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
  bearer(request: RecordedRequest, scope: string): CannedResponse | null {
    const header = request.headers['authorization'] ?? '';
    const t = this.tokens.get(header.replace(/^Bearer /, ''));
    if (!header.startsWith('Bearer ') || !t || t.expiresAt <= Date.now()) return send(401, UNAUTHENTICATED);
    if (!t.scope.split(' ').includes(scope))
      return send(403, googleError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', 'insufficientPermissions'));
    return null;
  }
}
