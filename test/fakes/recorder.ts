import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  raw: string;
  /** Parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
}

export interface CannedResponse {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/**
 * A local HTTP server that records every request and answers from a queue of canned responses,
 * then with `respond()` (each fake defines its platform's success answer).
 */
export abstract class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  private queued: CannedResponse[] = [];
  private server = http.createServer((req, res) => this.receive(req, res));
  base = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next request gets this answer instead of the normal one. */
  next(response: CannedResponse): void {
    this.queued.push(response);
  }

  async waitFor(count: number, timeoutMs = 15_000): Promise<RecordedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < count) {
      if (Date.now() > deadline) throw new Error(`fake got ${this.requests.length} request(s), expected ${count}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.requests;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  protected abstract respond(request: RecordedRequest): CannedResponse;

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const request: RecordedRequest = { at: Date.now(), method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, raw, body };
      this.requests.push(request);
      const answer = this.queued.shift() ?? this.respond(request);
      res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    });
  }
}
