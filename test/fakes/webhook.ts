import { createHmac, timingSafeEqual } from 'node:crypto';
import { RecordingServer, type CannedResponse, type RecordedRequest } from './recorder.js';

/**
 * A Standard Webhooks receiver: checks `webhook-signature` the way the spec's libraries do
 * (any of the space-separated v1 signatures, constant-time) and answers 204, or 401 when it fails.
 */
export class FakeWebhookReceiver extends RecordingServer {
  constructor(private readonly secret: string) {
    super();
  }

  get url(): string {
    return `${this.base}/hooks/earshot`;
  }

  verify(request: RecordedRequest): boolean {
    const id = String(request.headers['webhook-id'] ?? '');
    const ts = String(request.headers['webhook-timestamp'] ?? '');
    const key = Buffer.from(this.secret.replace(/^whsec_/, ''), 'base64');
    const expected = Buffer.from(createHmac('sha256', key).update(`${id}.${ts}.${request.raw}`).digest('base64'));
    return String(request.headers['webhook-signature'] ?? '')
      .split(' ')
      .some((sig) => {
        const [version, value] = sig.split(',');
        const given = Buffer.from(value ?? '');
        return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
      });
  }

  protected respond(request: RecordedRequest): CannedResponse {
    return this.verify(request) ? { status: 204 } : { status: 401, body: 'bad signature' };
  }
}
