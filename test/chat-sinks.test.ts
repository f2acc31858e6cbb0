import type { Worker } from 'bullmq';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordPayload, escapeDiscord, sendDiscord } from '../src/alerts/discord.js';
import type { EscalationAlert } from '../src/alerts/message.js';
import { sendTeams, teamsPayload } from '../src/alerts/teams.js';
import { sendWebhook, webhookSignature } from '../src/alerts/webhook.js';
import { PermanentError, RateLimitedError, TransientError } from '../src/http/errors.js';
import { HttpClient } from '../src/http/client.js';
import { enqueue } from '../src/jobs/queues.js';
import { startWorker, type WorkerDefinition } from '../src/app/runner.js';
import { alertWorker } from '../workers/alert.js';
import { FakeDiscord } from './fakes/discord.js';
import { FakeTeams } from './fakes/teams.js';
import { FakeWebhookReceiver } from './fakes/webhook.js';
import { configFromObject } from '../src/app/config.js';
import { baseConfig, testApp, type TestApp } from './helpers/app.js';
import { storeInboxItem } from './helpers/chat-seed.js';
import { settledJob } from './helpers/jobs.js';
import { waitFor } from './helpers/wait.js';
import { present } from './helpers/present.js';

const SECRET = 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const HOSTILE =
  '**free** [click me](https://evil.example) @everyone <@123> <!channel> {{DATE(2017-02-14T06:08:00Z)}}\n- not a list\n1. nor this _x_ ~y~ `z` > quote';

const alert: EscalationAlert = {
  kind: 'escalation',
  itemId: 'm_AAAAAAAAAAAAAAAAAAAAAA',
  brand: 'Acme Air',
  platform: 'mastodon',
  author: { handle: 'loud@social.example', name: 'Loud *Person*', followers: 250_000, url: 'https://social.example/@loud' },
  text: HOSTILE,
  postUrl: 'https://social.example/@loud/1',
  urgency: 88,
  category: 'lost_luggage',
  reasons: ['complaint', 'large reach'],
  inboxUrl: 'http://localhost:8080/#/item/m_AAAAAAAAAAAAAAAAAAAAAA',
  createdAt: '2026-01-02T03:04:05.000Z',
  draft: 'Hi, so sorry. DM us your booking code.',
  draftVersion: 2,
  draftWarnings: [],
};

const http = new HttpClient({ userAgent: 'earshot-test/1.0' });
let teams: FakeTeams;
let discord: FakeDiscord;
let receiver: FakeWebhookReceiver;

beforeAll(async () => {
  [teams, discord, receiver] = await Promise.all([
    new FakeTeams().start(),
    new FakeDiscord().start(),
    new FakeWebhookReceiver(SECRET).start(),
  ]);
});

afterAll(async () => {
  await Promise.all([teams.close(), discord.close(), receiver.close(), http.close()]);
});

describe('Microsoft Teams', () => {
  it('sends an Adaptive Card 1.4 in the Workflows envelope, with links instead of submit buttons', async () => {
    await sendTeams(http, teams.url, alert);
    const [req] = await teams.waitFor(1);
    const body = req?.body as {
      type: string;
      attachments: Array<{ contentType: string; contentUrl: null; content: Record<string, unknown> }>;
    };
    expect(body.type).toBe('message');
    const [attachment] = body.attachments;
    expect(attachment).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null });
    expect(attachment?.content).toMatchObject({
      type: 'AdaptiveCard',
      version: '1.4',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    });
    const actions = attachment?.content['actions'] as Array<{ type: string; url: string }>;
    expect(actions.map((a) => a.type)).toEqual(['Action.OpenUrl', 'Action.OpenUrl']);
    expect(actions[0]?.url).toBe(alert.inboxUrl);
  });

  it("escapes the TextBlock markdown subset so a post's text stays literal", () => {
    const card = JSON.stringify(teamsPayload(alert));
    const text = JSON.parse(card).attachments[0].content.body[2].text as string;
    expect(text).toContain('\\*\\*free\\*\\*');
    expect(text).toContain('\\[click me\\](https://evil.example)');
    expect(text).toContain('\n\\- not a list');
    expect(text).toContain('\n1\\. nor this \\_x\\_ \\~y\\~ \\`z\\`');
    expect(text).not.toContain('{{DATE(');
    expect(card).toContain('Loud \\\\*Person\\\\*');
  });

  it('maps errors like Slack: 429 waits, 5xx retries, 4xx is permanent', async () => {
    teams.next({ status: 429, headers: { 'retry-after': '7' } });
    await expect(sendTeams(http, teams.url, alert)).rejects.toBeInstanceOf(RateLimitedError);
    teams.next({ status: 502 });
    await expect(sendTeams(http, teams.url, alert)).rejects.toBeInstanceOf(TransientError);
    teams.next({ status: 400, body: 'bad' });
    await expect(sendTeams(http, teams.url, alert)).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('Discord', () => {
  it('posts embeds with ?wait=true and allowed_mentions that cannot ping anyone', async () => {
    const before = discord.requests.length;
    await sendDiscord(http, discord.url, alert);
    const req = (await discord.waitFor(before + 1))[before];
    expect(req?.query.get('wait')).toBe('true');
    const body = req?.body as { allowed_mentions: unknown; embeds: Array<Record<string, unknown>> };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds).toHaveLength(1);
    expect(body.embeds[0]).toMatchObject({ url: alert.inboxUrl, timestamp: alert.createdAt });
    expect(JSON.stringify(body.embeds[0]?.['fields'])).toContain(`[Open in Earshot](${alert.inboxUrl})`);
  });

  it('escapes markdown and mentions in untrusted text', () => {
    const escaped = escapeDiscord(HOSTILE);
    expect(escaped).toContain('\\*\\*free\\*\\*');
    expect(escaped).toContain('\\[click me\\]\\(https://evil.example\\)');
    expect(escaped).toContain('@\u200beveryone');
    expect(escaped).toContain('\\<@123\\>');
    expect(escaped).toContain('\n1\\. nor this');
    expect(escaped).not.toMatch(/(^|[^\\])<@123>/);
    expect(discordPayload(alert)['embeds']).toEqual([expect.objectContaining({ description: escaped })]);
  });

  it("reads 429's float retry_after into the retry time", async () => {
    discord.rateLimitNext(64.57);
    const now = 1_700_000_000_000;
    const err = await sendDiscord(http, discord.url, alert, () => now).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAt.getTime()).toBe(now + 64_570);
  });
});

describe('Standard Webhooks', () => {
  it("signs the doc's test vector", () => {
    const body = '{"type":"mention.escalated","timestamp":"2023-11-14T22:13:20Z","data":{"id":"m_1"}}';
    expect(webhookSignature(SECRET, 'msg_test_0001', 1_700_000_000, body)).toBe('v1,Ni5DXim7/G9dwIfUsR8nkaJS246IVCdYMC74jNAKgtg=');
  });

  it('sends a signed mention.escalated event a receiver can verify', async () => {
    const before = receiver.requests.length;
    await sendWebhook(http, { id: 'hook', webhookUrl: receiver.url, secret: SECRET }, alert, () => 1_700_000_000_000);
    const req = (await receiver.waitFor(before + 1))[before];
    if (!req) throw new Error('no request');
    expect(receiver.verify(req)).toBe(true);
    expect(req.headers['webhook-timestamp']).toBe('1700000000');
    expect(req.body).toMatchObject({
      type: 'mention.escalated',
      timestamp: '2023-11-14T22:13:20Z',
      data: { id: alert.itemId, text: HOSTILE },
    });
  });

  it('410 disables (permanent, with a clear message); 429 and 502 with Retry-After wait', async () => {
    const dest = { id: 'hook', webhookUrl: receiver.url, secret: SECRET };
    receiver.next({ status: 410 });
    await expect(sendWebhook(http, dest, alert)).rejects.toThrow(/410 Gone.*disabled/);
    receiver.next({ status: 429, headers: { 'retry-after': '3' } });
    await expect(sendWebhook(http, dest, alert)).rejects.toBeInstanceOf(RateLimitedError);
    receiver.next({ status: 502, headers: { 'retry-after': '3' } });
    await expect(sendWebhook(http, dest, alert)).rejects.toBeInstanceOf(RateLimitedError);
    receiver.next({ status: 302, headers: { location: 'https://elsewhere.example' } });
    await expect(sendWebhook(http, dest, alert)).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('config', () => {
  const load = (overrides: Record<string, unknown>) => () => configFromObject(baseConfig('cfg', overrides), {}, '/test/earshot.yaml');

  it('accepts each chat kind and checks what each needs', () => {
    const chat = [
      {
        id: 's',
        kind: 'slack',
        webhookUrl: 'https://hooks.slack.com/services/T/B/x',
        signingSecret: 'fake_signing_secret_0123456789abcdef',
      },
      { id: 't', kind: 'teams', webhookUrl: 'https://prod.westeurope.logic.azure.com/workflows/1' },
      { id: 'd', kind: 'discord', webhookUrl: 'https://discord.com/api/webhooks/1/x' },
      { id: 'w', kind: 'webhook', webhookUrl: 'https://crm.example/hook', secret: SECRET },
    ];
    expect(load({ chat, sla: { escalateTo: 'd' } })().chat.map((c) => c.kind)).toEqual(['slack', 'teams', 'discord', 'webhook']);
    expect(load({ chat: [{ id: 'w', kind: 'webhook', webhookUrl: 'https://crm.example/hook', secret: 'whsec_c2hvcnQ=' }] })).toThrow(
      /24–64 bytes/,
    );
    expect(load({ chat, sla: { escalateTo: 'nobody' } })).toThrow(/sla\.escalateTo: no chat destination with id "nobody"/);
    expect(load({ sla: { businessHours: { timezone: 'Mars/Olympus' } } })).toThrow(/IANA time zone/);
  });
});

describe('through the alert job', () => {
  let app: TestApp;
  let worker: Worker;

  beforeAll(async () => {
    app = await testApp({
      chat: [
        { id: 'discord', kind: 'discord', webhookUrl: discord.url },
        { id: 'hook', kind: 'webhook', webhookUrl: receiver.url, secret: SECRET },
      ],
    });
    worker = startWorker(alertWorker as unknown as WorkerDefinition, { ...app.ctx, log: pino({ level: 'silent' }) }, app.ctx.redis);
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  async function alertJob(destinationId: string, n: number): Promise<string> {
    const item = await storeInboxItem(app.ctx, { nativeId: `sink-${destinationId}-${n}`, text: 'my bag is gone', urgency: 90 });
    const jobId = `alert-${item.id}-${destinationId}`;
    await enqueue(app.ctx.queues, 'alert', { kind: 'escalation', itemId: item.id, destinationId }, { jobId });
    return jobId;
  }

  it('Discord 429: no request before retry_after has passed, and the retry costs no attempt', async () => {
    const before = discord.requests.length;
    discord.rateLimitNext(1.2);
    const jobId = await alertJob('discord', 1);
    const [limited, retried] = (await discord.waitFor(before + 2)).slice(before);
    expect(present(retried).at - present(limited).at).toBeGreaterThanOrEqual(1200);
    const job = await waitFor('job completed', async () => {
      const j = await app.ctx.queues.alert.getJob(jobId);
      return (await j?.getState()) === 'completed' ? j : undefined;
    });
    expect(job.attemptsMade).toBeLessThanOrEqual(1);
  });

  it('Discord 404: the deleted webhook is never tried again', async () => {
    discord.deleteWebhook();
    const before = discord.requests.length;
    const jobId = await alertJob('discord', 2);
    // 'failed' is final (a job that will be retried waits in 'delayed'), so one request now is one request ever.
    const settled = await settledJob(app.ctx, 'alert', jobId);
    expect(settled.state).toBe('failed');
    expect(discord.requests.length - before).toBe(1);
  });

  it('webhook: the same webhook-id on every retry, a fresh timestamp and a valid signature each time', async () => {
    const before = receiver.requests.length;
    receiver.next({ status: 429, headers: { 'retry-after': '1' } });
    await alertJob('hook', 1);
    const [first, second] = (await receiver.waitFor(before + 2)).slice(before);
    expect(present(first).headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]+$/);
    expect(present(second).headers['webhook-id']).toBe(present(first).headers['webhook-id']);
    expect(receiver.verify(present(first))).toBe(true);
    expect(receiver.verify(present(second))).toBe(true);
    expect(Number(present(second).headers['webhook-timestamp'])).toBeGreaterThanOrEqual(
      Number(present(first).headers['webhook-timestamp']) + 1,
    );
  });
});
