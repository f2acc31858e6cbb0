import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  /** Header values as sent; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  raw: string;
  /** Parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
  /** The body read as an HTML form (what token endpoints and Reddit take). */
  form: URLSearchParams;
}

export interface CannedResponse {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Keeps the response open after its head, for the fake to write to (an event stream). */
  hold?: (res: http.ServerResponse) => void;
}

export interface ScriptOptions {
  /** How many requests get the answer. Default 1. */
  times?: number;
  /** Only requests this accepts get it (e.g. one path); others pass by untouched. */
  when?: (request: RecordedRequest) => boolean;
}

interface Script {
  answer: CannedResponse;
  left: number;
  when?: (request: RecordedRequest) => boolean;
}

/** A JSON answer; `headers` may replace the content type (platforms differ in its charset spelling). */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): CannedResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** Polls `list` until it holds `count` entries; the error says what was awaited and how many came. */
export async function waitForCount<T>(list: T[], count: number, what: string, timeoutMs = 15_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  while (list.length < count) {
    if (Date.now() > deadline) throw new Error(`fake got ${list.length} ${what}, expected ${count}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return list;
}

/**
 * A local HTTP server that records every request and answers scripted replies first (`next`),
 * then with `respond()`: each fake keeps only its platform's wire format (paths, fields, paging,
 * headers, error bodies), while reading, recording, scripting and closing live here.
 */
export abstract class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  /** Every answer waits this long (a slow platform). */
  delayMs = 0;
  base = '';
  /**
   * Set by fakes whose platform checks tokens or budgets before a scripted error would show: they
   * call `scripted()` at that point in `respond()` themselves.
   */
  protected readonly placesScripts: boolean = false;
  private readonly scripts: Script[] = [];
  /** Upgraded sockets, cut on `close()`. */
  protected readonly sockets = new Set<Socket>();
  private readonly server = http.createServer((req, res) => this.receive(req, res));

  async start(): Promise<this> {
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Socket) =>
      this.upgrade(new URL(req.url ?? '/', 'http://fake'), req, socket),
    );
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next request (or the next `times` that `when` accepts) gets this answer instead of the normal one. */
  next(answer: CannedResponse, options: ScriptOptions = {}): void {
    this.scripts.push({ answer, left: options.times ?? 1, when: options.when });
  }

  waitFor(count: number, timeoutMs = 15_000): Promise<RecordedRequest[]> {
    return waitForCount(this.requests, count, 'request(s)', timeoutMs);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  protected abstract respond(request: RecordedRequest): CannedResponse | Promise<CannedResponse>;

  /** The first scripted answer meant for this request, used up by one; null when none is. */
  protected scripted(request: RecordedRequest): CannedResponse | null {
    const script = this.scripts.find((s) => s.left > 0 && (!s.when || s.when(request)));
    if (!script) return null;
    script.left -= 1;
    return script.answer;
  }

  /** What a fake answers when its own handler throws (each platform has its error body). */
  protected failure(err: unknown): CannedResponse {
    return json(500, { error: String(err) });
  }

  /** An HTTP upgrade (WebSocket); refused unless the fake speaks one. */
  protected upgrade(_url: URL, _req: http.IncomingMessage, socket: Socket): void {
    socket.destroy();
  }

  /** Keeps an upgraded socket to cut it on `close()`. */
  protected keepSocket(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => this.sockets.delete(socket));
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void this.answer(this.record(req, Buffer.concat(chunks).toString('utf8')), res));
  }

  private record(req: http.IncomingMessage, raw: string): RecordedRequest {
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    const request: RecordedRequest = {
      at: Date.now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers,
      raw,
      body,
      form: new URLSearchParams(raw),
    };
    this.requests.push(request);
    return request;
  }

  private async answer(request: RecordedRequest, res: http.ServerResponse): Promise<void> {
    let out: CannedResponse;
    try {
      out = (this.placesScripts ? null : this.scripted(request)) ?? (await this.respond(request));
    } catch (err) {
      out = this.failure(err);
    }
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (res.destroyed) return;
    res.writeHead(out.status, out.headers);
    if (out.hold) out.hold(res);
    else res.end(out.body ?? '');
  }
}
