import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { obeyingReply } from './llm-obey.js';

/**
 * An OpenAI-compatible chat-completions server (what Ollama, llama.cpp, vLLM and LM Studio
 * speak): POST /v1/chat/completions with { model, messages } answers { choices: [{ message }] }.
 * Canned errors (429 with Retry-After, 500, malformed JSON), slow answers, and an "obey" mode
 * that does whatever the quoted post tells it to, so tests prove the guardrails hold the line.
 */
export interface LlmRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: { model?: string; messages?: Array<{ role: string; content: string }>; [k: string]: unknown };
}

interface Canned {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export class FakeLlm {
  readonly requests: LlmRequest[] = [];
  mode: 'polite' | 'obey' = 'polite';
  reply = 'Hi there, I am sorry about this. I have passed it to the team.';
  /** Every answer waits this long (a slow local model). */
  delayMs = 0;
  private queued: Canned[] = [];
  private server = http.createServer((req, res) => this.receive(req, res));
  base = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  rateLimitNext(retryAfterSeconds: number): void {
    this.queued.push({ status: 429, headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds) }, body: '{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}' });
  }

  failNext(status = 500): void {
    this.queued.push({ status, headers: { 'content-type': 'application/json' }, body: '{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}' });
  }

  garbleNext(): void {
    this.queued.push({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"choices": [' });
  }

  /** The post as the prompt quoted it, between its fences. */
  static quotedPost(body: LlmRequest['body']): string {
    const user = body.messages?.find((m) => m.role === 'user')?.content ?? '';
    const m = /<<<POST [0-9a-f]+>>>\n([^]*?)\n<<<END [0-9a-f]+>>>/.exec(user);
    return m?.[1] ?? '';
  }

  private answer(req: LlmRequest): Canned {
    if (req.path !== '/v1/chat/completions') return { status: 404, body: '{"error":{"message":"not found"}}' };
    if (!req.body.model || !Array.isArray(req.body.messages)) return { status: 400, body: '{"error":{"message":"model and messages are required","type":"invalid_request_error"}}' };
    const content = this.mode === 'obey' ? obeyingReply(FakeLlm.quotedPost(req.body)) : this.reply;
    const completion = {
      id: `chatcmpl-${this.requests.length}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: req.body.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    };
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(completion) };
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      let body: LlmRequest['body'] = {};
      try {
        body = JSON.parse(raw) as LlmRequest['body'];
      } catch {
        // answered 400 below
      }
      const request: LlmRequest = { path: new URL(req.url ?? '/', 'http://fake').pathname, headers: req.headers, body };
      this.requests.push(request);
      const out = this.queued.shift() ?? this.answer(request);
      const send = () => {
        if (!res.destroyed) res.writeHead(out.status, out.headers).end(out.body);
      };
      if (this.delayMs > 0) setTimeout(send, this.delayMs);
      else send();
    });
  }
}
