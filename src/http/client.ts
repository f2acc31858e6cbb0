import { Agent, errors as undiciErrors, request, WebSocket, type Dispatcher } from 'undici';
import { MalformedResponseError, OutboundRefusedError, PermanentError, TransientError, UnknownOutcomeError } from './errors.js';
import { OutboundGuard } from './guard.js';
import { disguisedHost, type AddressClass, type Resolver } from './policy.js';
import { flattenHeaders, readLines } from './body.js';
import { redactUrl } from './redact.js';

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  query?: Record<string, string | number | boolean | Array<string | number> | undefined | null>;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * A write that the platform may have carried out even if we never saw the answer.
   * Timeouts on such a request are "unknown outcome", not "try again".
   */
  write?: boolean;
  /** Follow up to this many redirects (at most MAX_REDIRECTS), each hop checked like the first; default none. */
  followRedirects?: number;
  /** Told of each redirect followed (a feed that moved for good deserves a config change). */
  onRedirect?: (status: number, to: string) => void;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  url: string;
}

export interface HttpStreamRequest extends Omit<HttpRequest, 'write' | 'json' | 'form' | 'method'> {
  /** Longest silence between two chunks before the connection counts as dead (heartbeats reset it). */
  idleTimeoutMs?: number;
}

/** A response whose body is read as it arrives (server-sent events, long polls). */
export interface HttpStreamResponse {
  status: number;
  headers: Record<string, string>;
  url: string;
  /** Body lines without their line endings, as they arrive; a network failure surfaces as TransientError. */
  lines(): AsyncIterable<string>;
  /** The rest of the body as text, for reading an error response. */
  text(): Promise<string>;
  /** Stops reading and frees the connection. */
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** Most redirects any request follows; each hop is checked against the policy like the first. */
export const MAX_REDIRECTS = 3;
const REDIRECT = new Set([301, 302, 303, 307, 308]);
// Errors raised before any byte of the request left this machine: always safe to repeat.
const BEFORE_SEND = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNRESET_BEFORE_SEND']);
// Headers that carry a credential; they never follow a redirect to another origin.
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie)$|api[-_]?key|token|secret|session|passw|signature|^x-auth/i;

export function buildUrl(base: string, query?: HttpRequest['query']): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, String(v));
    else url.searchParams.set(key, String(value));
  }
  return url.toString();
}

export interface HttpClientOptions {
  userAgent: string;
  timeoutMs?: number;
  /** Private and link-local networks allowed (a source or destination that opted in). */
  allowPrivateNetwork?: boolean;
  /** Name resolution used for the policy check and the connection; tests inject a stub. */
  resolve?: Resolver;
}

interface Hop {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * All outbound HTTP goes through here: one agent, the outbound policy (see policy.ts), redirects
 * followed hop by hop, timeouts, and error kinds the workers understand.
 */
export class HttpClient {
  private readonly dispatcher: Dispatcher;
  private readonly guard: OutboundGuard;
  private permissiveClient: HttpClient | null = null;

  constructor(private readonly options: HttpClientOptions) {
    this.guard = new OutboundGuard({ allowPrivateNetwork: options.allowPrivateNetwork ?? false }, options.resolve);
    this.dispatcher = new Agent({ connections: 32, keepAliveTimeout: 10_000, connect: { lookup: this.guard.lookup } });
  }

  /** The client for a source or destination configured with `allowPrivateNetwork: true`. */
  withPrivateNetwork(): HttpClient {
    if (this.guard.policy.allowPrivateNetwork) return this;
    this.permissiveClient ??= new HttpClient({ ...this.options, allowPrivateNetwork: true });
    return this.permissiveClient;
  }

  /** Refuses a destination the policy does not allow (see OutboundGuard.admit). */
  admit(url: string): Promise<AddressClass> {
    return this.guard.admit(url);
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    } else if (req.form) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    let hop: Hop = { method: req.method ?? 'GET', url: buildUrl(req.url, req.query), headers, body };
    const maxHops = Math.min(req.followRedirects ?? 0, MAX_REDIRECTS);
    let from: AddressClass | null = null;
    for (let n = 0; ; n++) {
      const where = await this.admit(hop.url);
      // A public feed has no business sending us to this machine's own services.
      if (from !== null && from !== 'loopback' && where === 'loopback') {
        throw new OutboundRefusedError(`redirect from a public address to loopback (${new URL(hop.url).host})`);
      }
      from = where;
      const res = await this.exchange(hop, req);
      const location = res.headers['location'];
      if (!REDIRECT.has(res.statusCode) || maxHops === 0 || !location) {
        return { status: res.statusCode, headers: flattenHeaders(res.headers), text: await this.readBody(res, req, hop.url), url: hop.url };
      }
      await res.body.dump().catch(() => undefined);
      if (n >= maxHops) throw new PermanentError(`${redactUrl(hop.url)}: more than ${maxHops} redirects`, res.statusCode);
      const disguised = disguisedHost(String(location));
      if (disguised) throw new OutboundRefusedError(`redirect refused: ${disguised}`);
      hop = nextHop(hop, res.statusCode, String(location));
      req.onRedirect?.(res.statusCode, hop.url);
    }
  }

  private async exchange(hop: Hop, req: HttpRequest): Promise<Dispatcher.ResponseData> {
    const timeout = req.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      return await request(hop.url, {
        method: hop.method as Dispatcher.HttpMethod,
        headers: hop.headers,
        body: hop.body,
        dispatcher: this.dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: req.signal,
      });
    } catch (err) {
      throw classifyNetworkError(err, req, hop.url);
    }
  }

  private async readBody(res: Dispatcher.ResponseData, req: HttpRequest, url: string): Promise<string> {
    try {
      return await res.body.text();
    } catch (err) {
      throw classifyNetworkError(err, req, url);
    }
  }

  /**
   * A GET whose body is consumed line by line while it streams. Same error kinds as send():
   * failures to connect, timeouts and drops mid-body are TransientError. Redirects are not followed.
   */
  async stream(req: HttpStreamRequest): Promise<HttpStreamResponse> {
    const url = buildUrl(req.url, req.query);
    await this.admit(url);
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, accept: 'text/event-stream', ...req.headers };
    const asRequest: HttpRequest = { url, method: 'GET' };
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'GET',
        headers,
        dispatcher: this.dispatcher,
        headersTimeout: req.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        bodyTimeout: req.idleTimeoutMs ?? 90_000,
        signal: req.signal,
      });
    } catch (err) {
      throw classifyNetworkError(err, asRequest, url);
    }
    const body = res.body;
    return {
      status: res.statusCode,
      headers: flattenHeaders(res.headers),
      url,
      lines: () => readLines(body, (err) => classifyNetworkError(err, asRequest, url)),
      text: async () => {
        try {
          return await body.text();
        } catch (err) {
          throw classifyNetworkError(err, asRequest, url);
        }
      },
      close: () => void body.destroy(),
    };
  }

  /** A WebSocket (wss, or ws to loopback) opened under the same policy and connect-time address check. */
  async openWebSocket(url: string): Promise<WebSocket> {
    await this.admit(url);
    return new WebSocket(url, { dispatcher: this.dispatcher });
  }

  async close(): Promise<void> {
    await Promise.all([this.dispatcher.close(), this.permissiveClient?.close()]);
  }
}

/**
 * The request a redirect asks for: 303 (and 301/302 after a POST, as browsers do) become a GET
 * without body; credentials stay behind when the redirect leaves the origin they were meant for.
 */
function nextHop(hop: Hop, status: number, location: string): Hop {
  const url = new URL(location, hop.url).toString();
  const toGet = status === 303 || ((status === 301 || status === 302) && hop.method === 'POST');
  const headers = { ...hop.headers };
  if (toGet) delete headers['content-type'];
  if (new URL(url).origin !== new URL(hop.url).origin) {
    for (const name of Object.keys(headers)) if (CREDENTIAL_HEADER.test(name)) delete headers[name];
  }
  return { method: toGet ? 'GET' : hop.method, url, headers, body: toGet ? undefined : hop.body };
}

function classifyNetworkError(err: unknown, req: HttpRequest, url: string): Error {
  // The guarded lookup refused the resolved address; undici may wrap what it was given.
  const refused = [err, (err as { cause?: unknown }).cause].find((e) => e instanceof OutboundRefusedError);
  if (refused) return refused as Error;
  const code = (err as { code?: string }).code ?? '';
  const where = `${req.method ?? 'GET'} ${new URL(url).origin}${new URL(url).pathname}`;
  if (BEFORE_SEND.has(code) || err instanceof undiciErrors.ConnectTimeoutError) {
    return new TransientError(`${where}: could not connect (${code || 'connect timeout'})`);
  }
  if ((err as Error).name === 'AbortError') return new TransientError(`${where}: aborted`);
  if (req.write)
    return new UnknownOutcomeError(`${where}: no answer after sending (${code || (err as Error).message}); it may have been applied`);
  return new TransientError(`${where}: ${code || (err as Error).message}`);
}

/** Parses a JSON body, naming the endpoint when the platform sent something unreadable. */
export function parseJson(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.text);
  } catch {
    throw new MalformedResponseError(
      `${res.url}: response is not valid JSON (${res.text.length} bytes, starts ${JSON.stringify(res.text.slice(0, 40))})`,
      res.status,
    );
  }
}

/** Default meaning of non-2xx statuses that are the same on every platform. */
export function failForStatus(res: HttpResponse, detail: string): never {
  if (res.status >= 500) throw new TransientError(`${res.url}: HTTP ${res.status} ${detail}`, res.status);
  throw new PermanentError(`${res.url}: HTTP ${res.status} ${detail}`, res.status);
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110); `fallbackMs` from now when absent or unreadable. */
export function retryAfterDate(res: { headers: Record<string, string> }, fallbackMs = 60_000): Date {
  const raw = res.headers['retry-after']?.trim() ?? '';
  if (/^\d+$/.test(raw)) return new Date(Date.now() + Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isFinite(at) && at > Date.now() ? new Date(at) : new Date(Date.now() + fallbackMs);
}
