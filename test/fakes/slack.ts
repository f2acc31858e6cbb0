import { RecordingServer, waitForCount, type CannedResponse, type RecordedRequest } from './recorder.js';

/** A message that reached the incoming webhook. */
export type SlackPost = RecordedRequest & { body: { text?: string; blocks?: unknown[] } };

const text = (status: number, body: string, headers: Record<string, string> = {}): CannedResponse => ({
  status,
  headers: { 'content-type': 'text/plain', ...headers },
  body,
});

/**
 * A Slack incoming webhook: answers 200 "ok" (text/plain) like the real one, records what it got,
 * and can answer errors the way Slack does (429 with Retry-After, plain-text error codes).
 */
export class FakeSlack extends RecordingServer {
  readonly posts: SlackPost[] = [];
  /** What arrived at response_url (a button click's follow-up), kept apart from new messages. */
  readonly responses: Array<{ at: number; body: Record<string, unknown> }> = [];
  /** Web API calls (chat.postMessage, chat.update) made with a bot token. */
  readonly api: Array<{ method: string; token: string; body: Record<string, unknown> }> = [];

  get url(): string {
    return `${this.base}/services/T000/B000/fakesecret`;
  }

  get responseUrl(): string {
    return `${this.base}/actions/T000/111/fakeresponse`;
  }

  get apiUrl(): string {
    return `${this.base}/api`;
  }

  /** The next message to the webhook gets this answer (other endpoints pass by). */
  failNext(status: number, body: string, headers?: Record<string, string>): void {
    this.next(text(status, body, headers), { when: (r) => r.method === 'POST' && r.path.startsWith('/services/') });
  }

  /** Waits for messages to the webhook, not for requests of any kind. */
  override waitFor(count: number, timeoutMs = 15_000): Promise<SlackPost[]> {
    return waitForCount(this.posts, count, 'Slack post(s)', timeoutMs);
  }

  protected respond(request: RecordedRequest): CannedResponse {
    const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : undefined;
    if (request.method === 'POST' && request.path.startsWith('/actions/')) {
      this.responses.push({ at: request.at, body: body ?? {} });
      return text(200, 'ok');
    }
    if (request.method === 'POST' && request.path.startsWith('/api/chat.')) return this.webApi(request, body ?? {});
    if (request.method !== 'POST' || !request.path.startsWith('/services/')) return text(404, 'no_service');
    if (!body) return text(400, 'invalid_payload');
    if (!body['text'] && !body['blocks']) return text(400, 'no_text');
    this.posts.push(request as SlackPost);
    return text(200, 'ok');
  }

  /** Like Slack: always HTTP 200, ok:false with an error code; a message's ts stays the same through updates. */
  private webApi(request: RecordedRequest, body: Record<string, unknown>): CannedResponse {
    const method = request.path.slice('/api/'.length);
    const token = (request.headers['authorization'] ?? '').replace(/^Bearer /, '');
    this.api.push({ method, token, body });
    let answer: Record<string, unknown> = { ok: false, error: 'unknown_method' };
    if (!token.startsWith('xoxb-')) answer = { ok: false, error: 'invalid_auth' };
    else if (method === 'chat.postMessage')
      answer = { ok: true, channel: body['channel'], ts: `1735787045.${String(this.api.length).padStart(6, '0')}` };
    else if (method === 'chat.update') answer = { ok: true, channel: body['channel'], ts: body['ts'] };
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(answer) };
  }
}
