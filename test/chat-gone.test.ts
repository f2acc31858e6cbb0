import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError } from '../src/http/errors.js';
import { sendAlert } from '../src/alerts/alert.js';
import { FakeWebhookReceiver } from './fakes/webhook.js';
import { testApp, type TestApp } from './helpers/app.js';
import { seedMention } from './helpers/seed.js';
import { present } from './helpers/present.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

describe('a chat destination that answers 410 Gone', () => {
  let receiver: FakeWebhookReceiver;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    receiver = await new FakeWebhookReceiver(SECRET).start();
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await receiver.close();
  });

  it('gets nothing more until its URL changes in the config, in every process', async () => {
    const config = (url: string) => ({ chat: [{ id: 'crm', kind: 'webhook', webhookUrl: url, secret: SECRET }] });
    const first = await testApp(config(receiver.url));
    apps.push(first);
    // A second process on the same Redis, as another worker would be.
    const second = await testApp(config(receiver.url), first.ctx.config.redis.prefix);
    apps.push(second);
    const [a, b, c] = await Promise.all(
      ['gone-1', 'gone-2', 'gone-3'].map((nativeId) => seedMention(first.ctx, { nativeId, priority: 'urgent', urgency: 90 })),
    );

    receiver.next({ status: 410 });
    await expect(sendAlert(first.ctx, { kind: 'escalation', itemId: present(a).id, destinationId: 'crm' })).rejects.toBeInstanceOf(
      PermanentError,
    );
    expect(receiver.requests).toHaveLength(1);
    expect(await sendAlert(second.ctx, { kind: 'escalation', itemId: present(b).id, destinationId: 'crm' })).toBe('destination-gone');
    expect(receiver.requests).toHaveLength(1);

    // The operator points the destination somewhere else: alerts flow again.
    const moved = await testApp(config(`${receiver.url}?v=2`), first.ctx.config.redis.prefix);
    apps.push(moved);
    expect(await sendAlert(moved.ctx, { kind: 'escalation', itemId: present(c).id, destinationId: 'crm' })).toBe('sent');
    expect(receiver.requests).toHaveLength(2);
  });
});
