import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackPost {
  at: number;
  body: { text?: string; blocks?: unknown[] };
  raw: string;
}

/**
 * A Slack incoming webhook: answers 200 "ok" (text/plain) like the real one, records what it got,
 * and can answer errors the way Slack does (429 with Retry-After, plain-text error codes).
 */
export class FakeSlack {
  readonly posts: SlackPost[] = [];
  /** What arrived at response_url (a button click's follow-up), kept apart from new messages. */
  readonly responses: Array<{ at: number; body: Record<string, unknown> }> = [];
  /** Web API calls (chat.postMessage, chat.update) made with a bot token. */
  readonly api: Array<{ method: string; token: string; body: Record<string, unknown> }> = [];
  apiUrl = '';
  private failures: Array<{ status: number; body: string; headers?: Record<string, string> }> = [];
  private server = http.createServer((req, res) => this.handle(req, res));
  url = '';
  responseUrl = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/services/T000/B000/fakesecret`;
    this.responseUrl = `http://127.0.0.1:${port}/actions/T000/111/fakeresponse`;
    this.apiUrl = `http://127.0.0.1:${port}/api`;
    return this;
  }

  failNext(status: number, body: string, headers?: Record<string, string>): void {
    this.failures.push({ status, body, headers });
  }

  async waitFor(count: number, timeoutMs = 15_000): Promise<SlackPost[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.posts.length < count) {
      if (Date.now() > deadline) throw new Error(`fake Slack got ${this.posts.length} post(s), expected ${count}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.posts;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Like Slack: always HTTP 200, ok:false with an error code; a message's ts stays the same through updates. */
  private webApi(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const method = (req.url ?? '').slice('/api/'.length);
    const token = String(req.headers['authorization'] ?? '').replace(/^Bearer /, '');
    const body = JSON.parse(raw) as Record<string, unknown>;
    this.api.push({ method, token, body });
    let answer: Record<string, unknown> = { ok: false, error: 'unknown_method' };
    if (!token.startsWith('xoxb-')) answer = { ok: false, error: 'invalid_auth' };
    else if (method === 'chat.postMessage') answer = { ok: true, channel: body['channel'], ts: `1735787045.${String(this.api.length).padStart(6, '0')}` };
    else if (method === 'chat.update') answer = { ok: true, channel: body['channel'], ts: body['ts'] };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url?.startsWith('/actions/')) {
        this.responses.push({ at: Date.now(), body: JSON.parse(raw) as Record<string, unknown> });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      if (req.method === 'POST' && req.url?.startsWith('/api/chat.')) {
        this.webApi(req, raw, res);
        return;
      }
      if (req.method !== 'POST' || !req.url?.startsWith('/services/')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no_service');
        return;
      }
      const failure = this.failures.shift();
      if (failure) {
        res.writeHead(failure.status, { 'content-type': 'text/plain', ...failure.headers }).end(failure.body);
        return;
      }
      let body: SlackPost['body'];
      try {
        body = JSON.parse(raw) as SlackPost['body'];
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
        return;
      }
      if (!body.text && !body.blocks) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('no_text');
        return;
      }
      this.posts.push({ at: Date.now(), body, raw });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  }
}
