import { createHash, createHmac } from 'node:crypto';
import { PermanentError, RateLimitedError, TransientError } from '../http/errors.js';
import type { HttpClient } from '../http/client.js';
import { deliveryKey, retryAt, shorten, type Alert } from './message.js';

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the base64-decoded part of `whsec_…`. */
export function webhookSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** Same alert to the same endpoint → same id on every retry: it is the receiver's idempotency key. */
export function webhookId(alert: Alert, destinationId: string): string {
  return `msg_${createHash('sha256').update(deliveryKey(alert, destinationId)).digest('base64url').slice(0, 27)}`;
}

function eventType(alert: Alert): string {
  if (alert.kind === 'source') return 'source.problem';
  if (alert.kind === 'digest') return 'mention.escalated_digest';
  if (alert.sla) return alert.sla.stage === 'breach' ? 'mention.sla_breached' : 'mention.sla_warning';
  return 'mention.escalated';
}

function eventData(alert: Alert): Record<string, unknown> {
  if (alert.kind === 'source') return { sourceId: alert.sourceId, problem: alert.problem, at: alert.at, inboxUrl: alert.inboxUrl };
  if (alert.kind === 'digest')
    return {
      window: alert.window,
      brand: alert.brand,
      count: alert.count,
      perMinute: alert.perMinute,
      items: alert.items,
      inboxUrl: alert.inboxUrl,
    };
  // Raw text, not escaped: the receiver renders it, and must treat it as untrusted. Capped to keep the body < 20 KB.
  return {
    id: alert.itemId,
    brand: alert.brand,
    platform: alert.platform,
    urgency: alert.urgency,
    category: alert.category,
    reasons: alert.reasons.slice(0, 20),
    author: alert.author,
    text: shorten(alert.text, 4000),
    postUrl: alert.postUrl,
    inboxUrl: alert.inboxUrl,
    createdAt: alert.createdAt,
    draft: { text: shorten(alert.draft, 5000), version: alert.draftVersion, warnings: alert.draftWarnings },
    ...(alert.sla ? { sla: alert.sla } : {}),
  };
}

export function webhookEvent(alert: Alert, now: number): { type: string; timestamp: string; data: Record<string, unknown> } {
  return { type: eventType(alert), timestamp: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'), data: eventData(alert) };
}

export async function sendWebhook(
  http: HttpClient,
  destination: { id: string; webhookUrl: string; secret: string },
  alert: Alert,
  now: () => number = Date.now,
): Promise<void> {
  const at = now();
  const id = webhookId(alert, destination.id);
  const timestamp = Math.floor(at / 1000);
  const event = webhookEvent(alert, at);
  // HttpClient sends JSON.stringify(json): the same call on the same object gives the bytes we sign.
  const body = JSON.stringify(event);
  const headers = {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': webhookSignature(destination.secret, id, timestamp, body),
  };
  // Not marked as a write: the receiver dedupes on webhook-id, so a timed-out delivery is safe to repeat.
  const res = await http.send({ method: 'POST', url: destination.webhookUrl, headers, json: event, timeoutMs: 20_000 });
  failForWebhookStatus(res.status, res.headers, res.text.slice(0, 200), at);
}

function failForWebhookStatus(status: number, headers: Record<string, string>, body: string, now: number): void {
  if (status >= 200 && status < 300) return;
  if (status === 410)
    throw new PermanentError(
      `webhook endpoint answered 410 Gone: the receiver asked to be disabled; remove it from chat[] or fix its URL`,
      410,
    );
  if (status === 429) throw new RateLimitedError(`webhook endpoint throttled us (HTTP 429)`, retryAt(headers, 30, now));
  if ((status === 502 || status === 504) && headers['retry-after'])
    throw new RateLimitedError(`webhook endpoint HTTP ${status}`, retryAt(headers, 30, now), status);
  if (status >= 300 && status < 400)
    throw new PermanentError(
      `webhook endpoint redirected (HTTP ${status}); redirects are not followed, put the final URL in chat[].webhookUrl`,
      status,
    );
  if (status >= 500) throw new TransientError(`webhook endpoint HTTP ${status}: ${body}`, status);
  throw new PermanentError(`webhook endpoint refused the alert: HTTP ${status} ${body}`, status);
}
