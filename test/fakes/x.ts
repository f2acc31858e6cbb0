import { json, RecordingServer, type CannedResponse, type RecordedRequest } from './recorder.js';
import { nth, present } from '../helpers/present.js';

/**
 * A local X API v2 in the real wire format: /2/tweets/search/recent newest first with
 * since_id/until_id and an opaque next_token, author expansions with public_metrics, meta
 * newest_id/oldest_id/result_count (no `data` when empty); x-rate-limit-* headers with an
 * epoch reset and problem-JSON errors; OAuth 2.0 refresh-token rotation at /2/oauth2/token;
 * POST /2/tweets answering 201, or 403 when the author restricted replies.
 */

export interface FakeTweet {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  lang: string;
  conversation_id: string;
  reply_settings: string;
  public_metrics: { retweet_count: number; reply_count: number; like_count: number; quote_count: number };
  referenced_tweets?: Array<{ type: string; id: string }>;
  edit_history_tweet_ids: string[];
}

const send = (status: number, body: unknown, headers: Record<string, string> = {}): CannedResponse =>
  json(status, body, { 'content-type': 'application/json; charset=utf-8', ...headers });

export class FakeX extends RecordingServer {
  readonly posted: Array<{ id: string; text: string; inReplyTo: string | null }> = [];
  bearerToken = 'app-bearer';
  clientId = 'x-client';
  refreshTokens = new Set(['refresh-0']);
  refreshes = 0;
  protected override readonly placesScripts = true;

  private readonly tweets: Array<{ id: bigint; tweet: Record<string, unknown> }> = [];
  private readonly users = new Map<string, Record<string, unknown>>();
  private readonly accessTokens = new Map<string, boolean>();
  private forced429 = { left: 0, reset: 0 };
  private remaining = 450;
  private reset = Math.ceil(Date.now() / 1000) + 900;
  private nextId = 1870000000000000000n;
  private seq = 0;

  static start(): Promise<FakeX> {
    return new FakeX().start();
  }

  get url(): string {
    return this.base;
  }

  /** A post by `username` with the next (growing) snowflake id, visible to recent search. */
  tweet(input: { text?: string; username?: string; followers?: number; replySettings?: string; inReplyTo?: string } = {}): FakeTweet {
    this.nextId += 1_000_003n;
    const username = input.username ?? 'dana';
    const authorId = String(2_000_000 + ([...username].reduce((h, c) => h * 31 + c.charCodeAt(0), 7) % 1_000_000));
    this.users.set(authorId, {
      id: authorId,
      username,
      name: username.toUpperCase(),
      public_metrics: { followers_count: input.followers ?? 5400, following_count: 300, tweet_count: 10, listed_count: 0 },
    });
    const id = String(this.nextId);
    const tweet: FakeTweet = {
      id,
      text: input.text ?? '@acme help',
      author_id: authorId,
      created_at: new Date(Date.now() - 60_000).toISOString(),
      lang: 'en',
      conversation_id: input.inReplyTo ?? id,
      reply_settings: input.replySettings ?? 'everyone',
      public_metrics: { retweet_count: 1, reply_count: 2, like_count: 3, quote_count: 0 },
      edit_history_tweet_ids: [id],
      ...(input.inReplyTo ? { referenced_tweets: [{ type: 'replied_to', id: input.inReplyTo }] } : {}),
    };
    this.tweets.push({ id: this.nextId, tweet: tweet as unknown as Record<string, unknown> });
    return tweet;
  }

  /** Replaces the stored body of a post (wrong types, missing fields). */
  corrupt(id: string, patch: Record<string, unknown>): void {
    const entry = present(this.tweets.find((t) => t.tweet['id'] === id));
    entry.tweet = { ...entry.tweet, ...patch };
  }

  expireAccessTokens(): void {
    for (const k of this.accessTokens.keys()) this.accessTokens.set(k, false);
  }

  rateLimitNext(count: number, reset: Date): void {
    this.forced429 = { left: count, reset: Math.ceil(reset.getTime() / 1000) };
  }

  setRateLimit(remaining: number, reset: Date): void {
    this.remaining = remaining;
    this.reset = Math.ceil(reset.getTime() / 1000);
  }

  failNext(status: number, body: unknown, options: { path?: string; times?: number } = {}): void {
    const path = options.path;
    this.next(
      { status, body: typeof body === 'string' ? body : JSON.stringify(body) },
      { times: options.times ?? 1, when: (r) => !path || r.path === path },
    );
  }

  protected override failure(err: unknown): CannedResponse {
    return send(500, { title: 'Internal Error', detail: String(err), status: 500 });
  }

  protected respond(request: RecordedRequest): CannedResponse {
    const auth = (request.headers['authorization'] ?? '').replace(/^Bearer /, '');
    if (request.path === '/2/oauth2/token') return this.token(request.form);
    if (this.forced429.left > 0) {
      this.forced429.left--;
      this.reset = this.forced429.reset;
      return send(429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }, this.headers(0));
    }
    const scripted = this.scripted(request);
    if (scripted) return send(scripted.status, scripted.body, this.headers(this.remaining));
    const isUser = this.accessTokens.get(auth) === true;
    if (auth !== this.bearerToken && !isUser)
      return send(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }, this.headers(this.remaining));
    this.remaining = Math.max(0, this.remaining - 1);
    if (request.method === 'GET' && request.path === '/2/tweets/search/recent') return this.search(request.query);
    if (request.method === 'POST' && request.path === '/2/tweets')
      return this.post(isUser, request.body as { text: string; reply?: { in_reply_to_tweet_id: string } });
    return send(404, { title: 'Not Found Error', detail: 'Not found', status: 404 }, this.headers(this.remaining));
  }

  private token(form: URLSearchParams): CannedResponse {
    const rt = form.get('refresh_token') ?? '';
    if (form.get('grant_type') !== 'refresh_token' || form.get('client_id') !== this.clientId || !this.refreshTokens.has(rt)) {
      return send(400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
    }
    this.refreshes++;
    // Refresh tokens rotate: the one just used is spent.
    this.refreshTokens.delete(rt);
    const next = `refresh-${++this.seq}`;
    this.refreshTokens.add(next);
    const access = `user-access-${this.seq}`;
    this.accessTokens.set(access, true);
    return send(200, {
      token_type: 'bearer',
      expires_in: 7200,
      access_token: access,
      scope: 'tweet.read tweet.write users.read offline.access',
      refresh_token: next,
    });
  }

  private search(q: URLSearchParams): CannedResponse {
    const max = Number(q.get('max_results') ?? 10);
    if (!Number.isInteger(max) || max < 10 || max > 100) {
      return send(
        400,
        {
          errors: [
            {
              parameters: { max_results: [String(max)] },
              message: `The \`max_results\` query parameter value [${max}] is not between 10 and 100`,
            },
          ],
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
          type: 'https://api.x.com/2/problems/invalid-request',
        },
        this.headers(this.remaining),
      );
    }
    const since = q.get('since_id') ? BigInt(present(q.get('since_id'))) : null;
    const until = q.get('until_id') ? BigInt(present(q.get('until_id'))) : null;
    const below = q.get('next_token') ? BigInt(Buffer.from(present(q.get('next_token')), 'base64url').toString()) : null;
    const all = this.tweets
      .filter((t) => (since === null || t.id > since) && (until === null || t.id < until))
      .sort((a, b) => (a.id > b.id ? -1 : 1));
    const page = all.filter((t) => below === null || t.id < below).slice(0, max);
    if (page.length === 0) return send(200, { meta: { result_count: 0 } }, this.headers(this.remaining));
    const more = all.some((t) => t.id < present(page.at(-1)).id);
    const users = [...new Set(page.map((t) => String(t.tweet['author_id'])))].map((id) => this.users.get(id)).filter(Boolean);
    const meta = {
      newest_id: String(nth(page, 0).id),
      oldest_id: String(present(page.at(-1)).id),
      result_count: page.length,
      ...(more ? { next_token: Buffer.from(String(present(page.at(-1)).id)).toString('base64url') } : {}),
    };
    return send(200, { data: page.map((t) => t.tweet), includes: { users }, meta }, this.headers(this.remaining));
  }

  private post(isUser: boolean, body: { text: string; reply?: { in_reply_to_tweet_id: string } }): CannedResponse {
    if (!isUser)
      return send(
        403,
        {
          title: 'Unsupported Authentication',
          detail: 'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.',
          type: 'https://api.x.com/2/problems/unsupported-authentication',
          status: 403,
        },
        this.headers(this.remaining),
      );
    const parentId = body.reply?.in_reply_to_tweet_id ?? null;
    const parent = this.tweets.find((t) => t.tweet['id'] === parentId)?.tweet;
    if (parent && parent['reply_settings'] !== 'everyone') {
      return send(
        403,
        {
          detail:
            'Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.',
          type: 'about:blank',
          title: 'Forbidden',
          status: 403,
        },
        this.headers(this.remaining),
      );
    }
    const id = String((this.nextId += 7n));
    this.posted.push({ id, text: body.text, inReplyTo: parentId });
    return send(201, { data: { id, text: body.text, edit_history_tweet_ids: [id] } }, this.headers(this.remaining));
  }

  private headers(remaining: number): Record<string, string> {
    return { 'x-rate-limit-limit': '450', 'x-rate-limit-remaining': String(remaining), 'x-rate-limit-reset': String(this.reset) };
  }
}
