import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import { MalformedResponseError, PermanentError, TransientError, UnknownOutcomeError } from '../connectors/errors.js';

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
// Errors raised before any byte of the request left this machine: always safe to repeat.
const BEFORE_SEND = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNRESET_BEFORE_SEND']);

export function buildUrl(base: string, query?: HttpRequest['query']): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, String(v));
    else url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/** All outbound HTTP goes through here: one agent, timeouts, and error kinds the workers understand. */
export class HttpClient {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly options: { userAgent: string; timeoutMs?: number; dispatcher?: Dispatcher }) {
    this.dispatcher = options.dispatcher ?? new Agent({ connections: 32, keepAliveTimeout: 10_000 });
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const url = buildUrl(req.url, req.query);
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    } else if (req.form) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const timeout = req.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      const res = await request(url, {
        method: req.method ?? 'GET',
        headers,
        body,
        dispatcher: this.dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: req.signal,
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: flattenHeaders(res.headers), text, url };
    } catch (err) {
      throw classifyNetworkError(err, req, url);
    }
  }

  /**
   * A GET whose body is consumed line by line while it streams. Same error kinds as send():
   * failures to connect, timeouts and drops mid-body are TransientError.
   */
  async stream(req: HttpStreamRequest): Promise<HttpStreamResponse> {
    const url = buildUrl(req.url, req.query);
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

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

async function* readLines(body: Dispatcher.ResponseData['body'], classify: (err: unknown) => Error): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        yield line.endsWith('\r') ? line.slice(0, -1) : line;
      }
    }
  } catch (err) {
    throw classify(err);
  } finally {
    // A consumer that stops early (break, abort) must not leave the socket half-read.
    body.destroy();
  }
  buffer += decoder.decode();
  if (buffer) yield buffer;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function classifyNetworkError(err: unknown, req: HttpRequest, url: string): Error {
  const code = (err as { code?: string }).code ?? '';
  const where = `${req.method ?? 'GET'} ${new URL(url).origin}${new URL(url).pathname}`;
  if (BEFORE_SEND.has(code) || err instanceof undiciErrors.ConnectTimeoutError) {
    return new TransientError(`${where}: could not connect (${code || 'connect timeout'})`);
  }
  if ((err as Error).name === 'AbortError') return new TransientError(`${where}: aborted`);
  if (req.write) return new UnknownOutcomeError(`${where}: no answer after sending (${code || (err as Error).message}); it may have been applied`);
  return new TransientError(`${where}: ${code || (err as Error).message}`);
}

/** Parses a JSON body, naming the endpoint when the platform sent something unreadable. */
export function parseJson(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.text);
  } catch {
    throw new MalformedResponseError(`${res.url}: response is not valid JSON (${res.text.length} bytes, starts ${JSON.stringify(res.text.slice(0, 40))})`, res.status);
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
