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

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
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
