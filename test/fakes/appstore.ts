import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { verifyJwt } from './jwt.js';
import { json as send, RecordingServer, type CannedResponse, type RecordedRequest } from './recorder.js';
import { nth, present } from '../helpers/present.js';

/**
 * A local App Store Connect API: every request must carry an ES256 JWT (kid → .p8 public key,
 * iss = issuer id, aud appstoreconnect-v1, exp at most 20 minutes after iat, not expired), else
 * 401 NOT_AUTHORIZED. Responses carry `X-Rate-Limit: user-hour-lim:N;user-hour-rem:M;`; at zero
 * the API answers 429 RATE_LIMIT_EXCEEDED. customerReviews are JSON:API with `links.next` cursor
 * URLs; customerReviewResponses create or replace the single response per review.
 */

export interface ApsReview {
  type: 'customerReviews';
  id: string;
  attributes: {
    rating: number;
    title: string | null;
    body: string | null;
    reviewerNickname: string;
    createdDate: string;
    territory: string;
  };
  relationships: { response: { links: { self: string; related: string } } };
}

export interface ApsResponse {
  id: string;
  reviewId: string;
  responseBody: string;
  lastModifiedDate: string;
  state: string;
}

const apiError = (status: number, code: string, title: string, detail: string) => ({
  errors: [{ id: randomUUID(), status: String(status), code, title, detail }],
});

export class FakeAppStore extends RecordingServer {
  readonly reviews = new Map<string, ApsReview[]>();
  readonly responses = new Map<string, ApsResponse>();
  readonly responseCalls: Array<{ reviewId: string; body: string }> = [];
  hourLimit = 3600;
  remaining = 3600;
  protected override readonly placesScripts = true;
  private readonly keys = new Map<string, { key: KeyObject; issuer: string }>();
  private readonly cursors = new Map<string, number>();
  private seq = 1;

  static start(): Promise<FakeAppStore> {
    return new FakeAppStore().start();
  }

  get url(): string {
    return this.base;
  }

  /** A new API key: returns what Users and Access shows (issuer id, key id) and the .p8 text. */
  apiKey(): { issuerId: string; keyId: string; privateKey: string } {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyId = `K${String(this.seq++).padStart(9, '0')}`;
    const issuerId = randomUUID();
    this.keys.set(keyId, { key: publicKey, issuer: issuerId });
    return { issuerId, keyId, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
  }

  revokeKey(keyId: string): void {
    this.keys.delete(keyId);
  }

  addReview(
    appId: string,
    input: { rating?: number; title?: string | null; body?: string | null; nickname?: string; at?: Date; territory?: string } = {},
  ): ApsReview {
    const id = `00000028-b08c-0014-0000-${String(this.seq++).padStart(12, '0')}`;
    const review: ApsReview = {
      type: 'customerReviews',
      id,
      attributes: {
        rating: input.rating ?? 1,
        title: input.title === undefined ? 'Logs me out' : input.title,
        body: input.body === undefined ? 'Every day I have to sign in again.' : input.body,
        reviewerNickname: input.nickname ?? 'gina77',
        // Apple writes Pacific time with an offset.
        createdDate: pacific(input.at ?? new Date()),
        territory: input.territory ?? 'USA',
      },
      relationships: {
        response: {
          links: {
            self: `${this.url}/v1/customerReviews/${id}/relationships/response`,
            related: `${this.url}/v1/customerReviews/${id}/response`,
          },
        },
      },
    };
    this.addRaw(appId, review);
    return review;
  }

  addRaw(appId: string, review: unknown): void {
    if (!this.reviews.has(appId)) this.reviews.set(appId, []);
    present(this.reviews.get(appId)).push(review as ApsReview);
  }

  failNext(status: number, body: unknown, times = 1): void {
    this.next(send(status, body), { times });
  }

  protected override failure(err: unknown): CannedResponse {
    return send(500, apiError(500, 'UNEXPECTED_ERROR', 'Internal error', String(err)));
  }

  protected respond(request: RecordedRequest): CannedResponse {
    if (!this.authorised(request.headers['authorization'] ?? '')) {
      return send(
        401,
        apiError(
          401,
          'NOT_AUTHORIZED',
          'Authentication credentials are missing or invalid.',
          'Provide a properly configured and signed bearer token, and make sure that it has not expired.',
        ),
      );
    }
    if (this.remaining <= 0)
      return send(
        429,
        apiError(429, 'RATE_LIMIT_EXCEEDED', 'The request rate limit has been reached.', 'We’ve received too many requests for this API.'),
        this.rateHeader(),
      );
    this.remaining--;
    const scripted = this.scripted(request);
    if (scripted) return { ...scripted, headers: { ...scripted.headers, ...this.rateHeader() } };
    const list = /^\/v1\/apps\/([^/]+)\/customerReviews$/.exec(request.path);
    if (request.method === 'GET' && list?.[1]) return this.list(decodeURIComponent(list[1]), request);
    if (request.method === 'POST' && request.path === '/v1/customerReviewResponses') return this.respondToReview(request.body);
    return send(
      404,
      apiError(404, 'NOT_FOUND', 'The specified resource does not exist', `The path provided does not match a defined resource type.`),
      this.rateHeader(),
    );
  }

  private authorised(header: string): boolean {
    const token = header.replace(/^Bearer /, '');
    const claims = verifyJwt(token, 'ES256', (_c, h) => this.keys.get(String(h['kid']))?.key ?? null);
    if (!claims) return false;
    const kid = JSON.parse(Buffer.from(nth(token.split('.'), 0), 'base64url').toString()).kid as string;
    const now = Date.now() / 1000;
    const [iat, exp] = [Number(claims['iat']), Number(claims['exp'])];
    return claims['iss'] === present(this.keys.get(kid)).issuer && claims['aud'] === 'appstoreconnect-v1' && exp > now && exp - iat <= 1200;
  }

  private rateHeader(): Record<string, string> {
    return { 'x-rate-limit': `user-hour-lim:${this.hourLimit};user-hour-rem:${Math.max(0, this.remaining)};` };
  }

  private list(appId: string, request: RecordedRequest): CannedResponse {
    // Any numeric id is an app of this key's team here; others do not exist.
    const all = /^\d+$/.test(appId) ? (this.reviews.get(appId) ?? []) : null;
    if (!all)
      return send(
        404,
        apiError(404, 'NOT_FOUND', 'The specified resource does not exist', `There is no resource of type 'apps' with id '${appId}'`),
        this.rateHeader(),
      );
    const q = request.query;
    if (q.get('sort') !== '-createdDate')
      return send(
        400,
        apiError(400, 'PARAMETER_ERROR.INVALID', 'A parameter has an invalid value', 'expected sort=-createdDate in this fake'),
        this.rateHeader(),
      );
    const limit = Math.min(Number(q.get('limit') ?? 20), 200);
    const ratings = q.get('filter[rating]')?.split(',').map(Number);
    const sorted = all
      .filter((r) => !ratings || ratings.includes(r.attributes?.rating))
      .sort((a, b) => Date.parse(b.attributes?.createdDate ?? '') - Date.parse(a.attributes?.createdDate ?? ''));
    // Opaque cursors pointing at an offset in the live list (newer arrivals push items down).
    const offset = q.get('cursor') ? (this.cursors.get(present(q.get('cursor'))) ?? 0) : 0;
    const page = sorted.slice(offset, offset + limit);
    const self = new URL(request.path, this.url);
    self.search = q.toString();
    const links: Record<string, string> = { self: self.toString() };
    if (offset + limit < sorted.length) {
      const cursor = `AQ.${randomUUID().slice(0, 8)}`;
      this.cursors.set(cursor, offset + limit);
      const next = new URL(self.toString());
      next.searchParams.set('cursor', cursor);
      links['next'] = next.toString();
    }
    return send(200, { data: page, links, meta: { paging: { total: sorted.length, limit } } }, this.rateHeader());
  }

  private respondToReview(body: unknown): CannedResponse {
    const doc = (body ?? {}) as {
      data?: { type?: string; attributes?: { responseBody?: string }; relationships?: { review?: { data?: { id?: string } } } };
    };
    const reviewId = doc.data?.relationships?.review?.data?.id ?? '';
    const text = doc.data?.attributes?.responseBody ?? '';
    const exists = [...this.reviews.values()].some((list) => list.some((r) => r.id === reviewId));
    if (doc.data?.type !== 'customerReviewResponses' || !exists || !text) {
      return send(
        409,
        {
          errors: [
            {
              id: randomUUID(),
              status: '409',
              code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
              title: 'An attribute value is invalid.',
              detail: 'responseBody or review is invalid',
              source: { pointer: '/data/attributes/responseBody' },
            },
          ],
        },
        this.rateHeader(),
      );
    }
    this.responseCalls.push({ reviewId, body: text });
    // One response per review: a second POST replaces it and keeps its id.
    const existing = this.responses.get(reviewId);
    const response: ApsResponse = {
      id: existing?.id ?? randomUUID(),
      reviewId,
      responseBody: text,
      lastModifiedDate: pacific(new Date()),
      state: 'PENDING_PUBLISH',
    };
    this.responses.set(reviewId, response);
    return send(
      201,
      {
        data: {
          type: 'customerReviewResponses',
          id: response.id,
          attributes: { responseBody: text, lastModifiedDate: response.lastModifiedDate, state: response.state },
        },
        links: { self: `${this.url}/v1/customerReviewResponses/${response.id}` },
      },
      this.rateHeader(),
    );
  }
}

function pacific(at: Date): string {
  return new Date(at.getTime() - 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '-08:00');
}
