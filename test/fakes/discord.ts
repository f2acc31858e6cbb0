import { RecordingServer, type CannedResponse, type RecordedRequest } from './recorder.js';

/**
 * A Discord webhook: `?wait=true` answers 200 with the message object, without it 204. Can answer
 * a 429 with Discord's float `retry_after` and rate-limit headers, or a 404 for a deleted webhook.
 */
export class FakeDiscord extends RecordingServer {
  private deleted = false;
  private messages = 0;

  get url(): string {
    return `${this.base}/api/webhooks/123456789012345678/fake-token`;
  }

  rateLimitNext(retryAfterSeconds: number): void {
    this.next({
      status: 429,
      headers: {
        'content-type': 'application/json',
        'retry-after': String(Math.ceil(retryAfterSeconds)),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': String(retryAfterSeconds),
        'x-ratelimit-scope': 'user',
        'x-ratelimit-global': 'false',
      },
      body: JSON.stringify({ message: 'You are being rate limited.', retry_after: retryAfterSeconds, global: false }),
    });
  }

  deleteWebhook(): void {
    this.deleted = true;
  }

  protected respond(request: RecordedRequest): CannedResponse {
    const json = { 'content-type': 'application/json' };
    if (this.deleted || !request.path.startsWith('/api/webhooks/'))
      return { status: 404, headers: json, body: '{"message": "Unknown Webhook", "code": 10015}' };
    const body = request.body as { content?: string; embeds?: unknown[] } | undefined;
    if (!body || (!body.content && !body.embeds?.length))
      return { status: 400, headers: json, body: '{"message": "Cannot send an empty message", "code": 50006}' };
    if (request.query.get('wait') !== 'true') return { status: 204 };
    this.messages += 1;
    const message = {
      id: `11110000${this.messages}`,
      channel_id: '222',
      content: body.content ?? '',
      embeds: body.embeds,
      timestamp: new Date().toISOString(),
      webhook_id: '123456789012345678',
    };
    return { status: 200, headers: json, body: JSON.stringify(message) };
  }
}
