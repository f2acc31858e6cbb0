import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackSignature } from '../../src/api/routes-slack.js';
import { buildServer } from '../../src/api/server.js';
import { sweepSpikes } from '../../src/alerts/spikes/sweep.js';
import { readAudit } from '../../src/store/audit.js';
import { getSpike } from '../../src/store/spikes.js';
import { FakeSlack } from '../fakes/slack.js';
import { testApp, TOKENS, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/wait.js';
import { background, feed, HOUR, MIN, storm, T0 } from './fixtures.js';
import { nth, present } from '../helpers/present.js';

const SECRET = 'fake_signing_secret_0123456789abcdef';
let app: TestApp;
let server: FastifyInstance;
let care: FakeSlack;
let managers: FakeSlack;
let spikeId = '';

beforeAll(async () => {
  care = await new FakeSlack().start();
  managers = await new FakeSlack().start();
  const slackIds: Record<string, string> = { approver: 'U0APPROVER', responder: 'U0RESPOND' };
  const users = Object.entries(TOKENS).map(([role, token]) => ({
    name: role === 'approver' ? 'ops' : role,
    role,
    token,
    ...(slackIds[role] ? { slackUserId: slackIds[role] } : {}),
  }));
  app = await testApp({
    chat: [
      {
        id: 'care',
        kind: 'slack',
        webhookUrl: care.url,
        signingSecret: SECRET,
        botToken: 'xoxb-test-0123456789',
        channel: 'C0CARE',
        apiUrl: care.apiUrl,
      },
      { id: 'managers', kind: 'slack', webhookUrl: managers.url },
    ],
    spikes: { destinations: ['care'], escalateTo: 'managers' },
    users,
  });
  server = await buildServer(app.ctx);
  await feed(app.ctx, background(T0, 30));
  await feed(app.ctx, storm(T0, 60, 40, 20));
  const [result] = await sweepSpikes(app.ctx, T0 + 10 * MIN);
  spikeId = present(present(result).spike).id;
});

afterAll(async () => {
  await server?.close();
  await app?.close();
  await care?.close();
  await managers?.close();
});

function click(action: string, user: string): Promise<{ statusCode: number }> {
  const payload = {
    type: 'block_actions',
    user: { id: user },
    response_url: care.responseUrl,
    actions: [{ type: 'button', action_id: action, value: spikeId }],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const ts = String(Math.floor(Date.now() / 1000));
  return server.inject({
    method: 'POST',
    url: '/slack/interactivity',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': slackSignature(SECRET, ts, body),
    },
    payload: body,
  });
}

const buttonsOf = (body: Record<string, unknown>): string[] =>
  (
    (body['blocks'] as Array<{ type: string; elements?: Array<{ action_id?: string }> }>).find((b) => b.type === 'actions')?.elements ?? []
  ).map((e) => e.action_id ?? '');

describe('spike alert in Slack', () => {
  it('is posted once by the bot, with the buttons, and the sweep does not post it again', async () => {
    expect(care.api.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    const message = nth(care.api, 0).body;
    expect(message['channel']).toBe('C0CARE');
    expect(buttonsOf(message)).toEqual(['spike_ack', 'spike_escalate', 'spike_expected', 'spike_open']);
    expect(JSON.stringify(message)).toMatch(/outage|checkin|portal/);
    await sweepSpikes(app.ctx, T0 + 12 * MIN);
    expect(care.api.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });

  it('Acknowledge (signed, through the real route) records who, in the audit log, and replaces the message', async () => {
    expect((await click('spike_ack', 'U0APPROVER')).statusCode).toBe(200);
    await waitFor('slack', () => care.responses.length >= 1);
    const replaced = nth(care.responses, 0).body;
    expect(replaced['replace_original']).toBe(true);
    expect(JSON.stringify(replaced)).toContain('acknowledged by @ops');
    expect(buttonsOf(replaced)).not.toContain('spike_ack');
    expect(present(await getSpike(app.ctx.db, spikeId)).acknowledgedBy).toBe('ops');
    expect((await readAudit(app.ctx.db)).some((e) => e.action === 'spike.acknowledged' && e.actor === 'ops')).toBe(true);
    // The bot's own message is edited in place too.
    await waitFor('slack', () => care.api.some((c) => c.method === 'chat.update'));
  });

  it('Escalate sends the spike to the manager destination', async () => {
    expect((await click('spike_escalate', 'U0RESPOND')).statusCode).toBe(200);
    await waitFor('slack', () => managers.posts.length >= 1);
    expect(JSON.stringify(nth(managers.posts, 0).body)).toContain('escalated by @responder');
  });

  it('Mark as expected needs an approver: a responder is told so privately, and it is audited', async () => {
    const before = care.responses.length;
    await click('spike_expected', 'U0RESPOND');
    await waitFor('slack', () => care.responses.length > before);
    const answer = nth(care.responses, before).body;
    expect(answer['response_type']).toBe('ephemeral');
    expect(String(answer['text'])).toContain('approver');
    expect(present(await getSpike(app.ctx.db, spikeId)).expectedBy).toBeNull();
    expect((await readAudit(app.ctx.db)).some((e) => e.action === 'slack.action_refused' && e.actor === 'responder')).toBe(true);
  });

  it('an approver marks it as expected, and when it ends the bot message says so in place and in its thread', async () => {
    const updates = care.api.filter((c) => c.method === 'chat.update').length;
    await click('spike_expected', 'U0APPROVER');
    await waitFor('spike', async () => present(await getSpike(app.ctx.db, spikeId)).expectedBy === 'ops');
    // The click's own edit of the bot message goes first (one delivery per spike at a time).
    await waitFor('slack', () => care.api.filter((c) => c.method === 'chat.update').length > updates);
    const [closed] = await sweepSpikes(app.ctx, T0 + 4 * HOUR);
    expect(present(closed).action).toBe('closed');
    await waitFor('slack', () => care.api.some((c) => c.method === 'chat.postMessage' && c.body['thread_ts']));
    expect(care.api.filter((c) => c.method === 'chat.postMessage' && !c.body['thread_ts'])).toHaveLength(1);
  });
});
