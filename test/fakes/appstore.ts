import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyJwt, type LoggedRequest } from './google.js';

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
  attributes: { rating: number; title: string | null; body: string | null; reviewerNickname: string; createdDate: string; territory: string };
  relationships: { response: { links: { self: string; related: string } } };
}

export interface ApsResponse {
  id: string;
  reviewId: string;
  responseBody: string;
  lastModifiedDate: string;
  state: string;
}

const apiError = (status: number, code: string, title: string, detail: string) => ({ errors: [{ id: randomUUID(), status: String(status), code, title, detail }] });

export class FakeAppStore {
  readonly requests: LoggedRequest[] = [];
  readonly reviews = new Map<string, ApsReview[]>();
  readonly responses = new Map<string, ApsResponse>();
  readonly responseCalls: Array<{ reviewId: string; body: string }> = [];
  hourLimit = 3600;
  remaining = 3600;
  private readonly keys = new Map<string, { key: KeyObject; issuer: string }>();
  private readonly cursors = new Map<string, number>();
  private failures: Array<{ status: number; body: unknown; left: number }> = [];
  private seq = 1;

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<FakeAppStore> {
    let fake: FakeAppStore | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res).catch((err: unknown) => send(res, 500, apiError(500, 'UNEXPECTED_ERROR', 'Internal error', String(err)))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeAppStore(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
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

  addReview(appId: string, input: { rating?: number; title?: string | null; body?: string | null; nickname?: string; at?: Date; territory?: string } = {}): ApsReview {
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
      relationships: { response: { links: { self: `${this.url}/v1/customerReviews/${id}/relationships/response`, related: `${this.url}/v1/customerReviews/${id}/response` } } },
    };
    this.addRaw(appId, review);
    return review;
  }

  addRaw(appId: string, review: unknown): void {
    if (!this.reviews.has(appId)) this.reviews.set(appId, []);
    this.reviews.get(appId)!.push(review as ApsReview);
  }

  failNext(status: number, body: unknown, times = 1): void {
    this.failures.push({ status, body, left: times });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body });
    if (!this.authorised(req.headers.authorization ?? '')) {
      return send(res, 401, apiError(401, 'NOT_AUTHORIZED', 'Authentication credentials are missing or invalid.', 'Provide a properly configured and signed bearer token, and make sure that it has not expired.'));
    }
    if (this.remaining <= 0) return send(res, 429, apiError(429, 'RATE_LIMIT_EXCEEDED', 'The request rate limit has been reached.', 'We’ve received too many requests for this API.'), this.rateHeader());
    this.remaining--;
    const failure = this.failures.find((f) => f.left > 0);
    if (failure) {
      failure.left--;
      return send(res, failure.status, failure.body, this.rateHeader());
    }
    const list = /^\/v1\/apps\/([^/]+)\/customerReviews$/.exec(url.pathname);
    if (req.method === 'GET' && list) return this.list(decodeURIComponent(list[1]!), url, res);
    if (req.method === 'POST' && url.pathname === '/v1/customerReviewResponses') return this.respond(body, res);
    send(res, 404, apiError(404, 'NOT_FOUND', 'The specified resource does not exist', `The path provided does not match a defined resource type.`), this.rateHeader());
  }

  private authorised(header: string): boolean {
    const token = header.replace(/^Bearer /, '');
    const claims = verifyJwt(token, 'ES256', (_c, h) => this.keys.get(String(h['kid']))?.key ?? null);
    if (!claims) return false;
    const kid = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid as string;
    const now = Date.now() / 1000;
    const [iat, exp] = [Number(claims['iat']), Number(claims['exp'])];
    return claims['iss'] === this.keys.get(kid)!.issuer && claims['aud'] === 'appstoreconnect-v1' && exp > now && exp - iat <= 1200;
  }

  private rateHeader(): Record<string, string> {
    return { 'x-rate-limit': `user-hour-lim:${this.hourLimit};user-hour-rem:${Math.max(0, this.remaining)};` };
  }

  private list(appId: string, url: URL, res: ServerResponse): void {
    // Any numeric id is an app of this key's team here; others do not exist.
    const all = /^\d+$/.test(appId) ? (this.reviews.get(appId) ?? []) : null;
    if (!all) return send(res, 404, apiError(404, 'NOT_FOUND', 'The specified resource does not exist', `There is no resource of type 'apps' with id '${appId}'`), this.rateHeader());
    const q = url.searchParams;
    if (q.get('sort') !== '-createdDate') return send(res, 400, apiError(400, 'PARAMETER_ERROR.INVALID', 'A parameter has an invalid value', 'expected sort=-createdDate in this fake'), this.rateHeader());
    const limit = Math.min(Number(q.get('limit') ?? 20), 200);
    const ratings = q.get('filter[rating]')?.split(',').map(Number);
    const sorted = all
      .filter((r) => !ratings || ratings.includes(r.attributes?.rating))
      .sort((a, b) => Date.parse(b.attributes?.createdDate ?? '') - Date.parse(a.attributes?.createdDate ?? ''));
    // Opaque cursors pointing at an offset in the live list (newer arrivals push items down).
    const offset = q.get('cursor') ? (this.cursors.get(q.get('cursor')!) ?? 0) : 0;
    const page = sorted.slice(offset, offset + limit);
    const links: Record<string, string> = { self: url.toString() };
    if (offset + limit < sorted.length) {
      const cursor = `AQ.${randomUUID().slice(0, 8)}`;
      this.cursors.set(cursor, offset + limit);
      const next = new URL(url.toString());
      next.searchParams.set('cursor', cursor);
      links['next'] = next.toString();
    }
    send(res, 200, { data: page, links, meta: { paging: { total: sorted.length, limit } } }, this.rateHeader());
  }

  private respond(body: string, res: ServerResponse): void {
    const doc = JSON.parse(body || '{}') as { data?: { type?: string; attributes?: { responseBody?: string }; relationships?: { review?: { data?: { id?: string } } } } };
    const reviewId = doc.data?.relationships?.review?.data?.id ?? '';
    const text = doc.data?.attributes?.responseBody ?? '';
    const exists = [...this.reviews.values()].some((list) => list.some((r) => r.id === reviewId));
    if (doc.data?.type !== 'customerReviewResponses' || !exists || !text) {
      return send(res, 409, { errors: [{ id: randomUUID(), status: '409', code: 'ENTITY_ERROR.ATTRIBUTE.INVALID', title: 'An attribute value is invalid.', detail: 'responseBody or review is invalid', source: { pointer: '/data/attributes/responseBody' } }] }, this.rateHeader());
    }
    this.responseCalls.push({ reviewId, body: text });
    // One response per review: a second POST replaces it and keeps its id.
    const existing = this.responses.get(reviewId);
    const response: ApsResponse = { id: existing?.id ?? randomUUID(), reviewId, responseBody: text, lastModifiedDate: pacific(new Date()), state: 'PENDING_PUBLISH' };
    this.responses.set(reviewId, response);
    send(res, 201, { data: { type: 'customerReviewResponses', id: response.id, attributes: { responseBody: text, lastModifiedDate: response.lastModifiedDate, state: response.state } }, links: { self: `${this.url}/v1/customerReviewResponses/${response.id}` } }, this.rateHeader());
  }
}

function pacific(at: Date): string {
  return new Date(at.getTime() - 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '-08:00');
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
