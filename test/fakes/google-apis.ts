import { randomUUID } from 'node:crypto';
import { json, type CannedResponse, type RecordedRequest } from './recorder.js';
import { nth, present } from '../helpers/present.js';

// The fake Google's three APIs (fakes/google.ts holds the token endpoint and the seeding): their paths, paging,
// quota and error bodies.

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

export const googleError = (code: number, status: string, message: string, reason?: string, domain = 'global') => ({
  error: { code, message, status, ...(reason ? { errors: [{ message, domain, reason }] } : {}) },
});
export const UNAUTHENTICATED = googleError(
  401,
  'UNAUTHENTICATED',
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  'authError',
);
export const send = (status: number, body: unknown): CannedResponse =>
  json(status, body, { 'content-type': 'application/json; charset=UTF-8' });
const QUOTA = googleError(
  403,
  'PERMISSION_DENIED',
  'The request cannot be completed because you have exceeded your quota.',
  'quotaExceeded',
  'youtube.quota',
);

/** What the APIs read and change in the fake. */
export interface GoogleData {
  apiKey: string;
  quota: { limit: number; used: number };
  readonly threads: YtThread[];
  readonly ytReplies: Array<{ id: string; parentId: string; text: string }>;
  readonly playReviews: Map<string, PlayReview[]>;
  readonly playReplyCalls: Array<{ reviewId: string; replyText: string }>;
  readonly businessReviews: BusinessReview[];
  readonly businessReplyCalls: Array<{ name: string; comment: string }>;
  /** The bearer token's scope check: null when it may, else the error to send. */
  bearer(request: RecordedRequest, scope: string): CannedResponse | null;
}

export function youtube(g: GoogleData, request: RecordedRequest): CannedResponse {
  const q = request.query;
  const key = q.get('key');
  const denied = key !== null ? (key === g.apiKey ? null : send(400, badKey())) : g.bearer(request, YT_SCOPE);
  if (denied) return denied;
  const cost = request.method === 'POST' ? 50 : 1;
  if (g.quota.used + cost > g.quota.limit) return send(403, QUOTA);
  g.quota.used += cost;
  if (request.method === 'GET' && request.path === '/youtube/v3/commentThreads') return listThreads(g, q);
  if (request.method === 'POST' && request.path === '/youtube/v3/comments') {
    if (key !== null)
      return send(
        401,
        googleError(401, 'UNAUTHENTICATED', 'API keys are not supported by this API. Expected OAuth2 access token.', 'required'),
      );
    const snippet = ((request.body ?? {}) as { snippet?: { parentId?: string; textOriginal?: string } }).snippet ?? {};
    const parent = g.threads.find((t) => t.id === snippet.parentId);
    if (!parent)
      return send(404, googleError(404, 'NOT_FOUND', 'The parent comment could not be found.', 'parentNotFound', 'youtube.comment'));
    if (!snippet.textOriginal)
      return send(400, googleError(400, 'INVALID_ARGUMENT', 'The comment is empty.', 'commentTextRequired', 'youtube.comment'));
    const id = `${parent.id}.${randomUUID().slice(0, 10)}`;
    parent.snippet.totalReplyCount++;
    g.ytReplies.push({ id, parentId: parent.id, text: snippet.textOriginal });
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

function listThreads(g: GoogleData, q: URLSearchParams): CannedResponse {
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
  const items = g.threads
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

export function play(g: GoogleData, request: RecordedRequest): CannedResponse {
  const denied = g.bearer(request, PLAY_SCOPE);
  if (denied) return denied;
  const m = /^\/androidpublisher\/v3\/applications\/([^/]+)\/reviews(?:\/([^/]+):reply)?$/.exec(request.path);
  if (!m) return send(404, googleError(404, 'NOT_FOUND', 'Not found'));
  const reviews = g.playReviews.get(decodeURIComponent(present(m[1])));
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
    g.playReplyCalls.push({ reviewId: review.reviewId, replyText });
    const lastEdited = { seconds: String(Math.floor(Date.now() / 1000)), nanos: 0 };
    // One developer reply per review: a new one replaces the old.
    review.comments = [nth(review.comments, 0), { developerComment: { text: replyText, lastModified: lastEdited } }];
    return send(200, { result: { replyText, lastEdited } });
  }
  return send(404, googleError(404, 'NOT_FOUND', 'Not found'));
}

export function business(g: GoogleData, request: RecordedRequest): CannedResponse {
  const denied = g.bearer(request, GBP_SCOPE);
  if (denied) return denied;
  const m = /^\/v4\/(accounts\/[^/]+\/locations\/[^/]+)\/reviews(?:\/([^/]+)\/reply)?$/.exec(request.path);
  if (!m) return send(404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.'));
  const here = g.businessReviews.filter((r) => String(r.name ?? '').startsWith(`${m[1]}/reviews/`));
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
    g.businessReplyCalls.push({ name: review.name, comment });
    review.reviewReply = { comment, updateTime: new Date().toISOString() };
    return send(200, review.reviewReply);
  }
  return send(404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.'));
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
