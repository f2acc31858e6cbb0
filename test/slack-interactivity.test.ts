import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalationAlert } from '../src/alerts/message.js';
import { slackPayload } from '../src/alerts/slack.js';
import { buildServer } from '../src/api/server.js';
import { signatureMatches, slackRoutes, slackSignature, slackUpdatesSettled } from '../src/api/routes-slack.js';
import { readAudit } from '../src/store/audit.js';
import { getItem, type InboxItem } from '../src/store/inbox.js';
import { loadMentions } from '../src/store/mentions.js';
import { FakeSlack } from './fakes/slack.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { storeInboxItem } from './helpers/chat-seed.js';
import { waitFor } from './helpers/wait.js';

const SECRET = 'fake_signing_secret_0123456789abcdef';

let app: TestApp;
let server: FastifyInstance;
let slack: FakeSlack;
let counter = 0;

beforeAll(async () => {
  slack = await new FakeSlack().start();
  const users = Object.entries(TOKENS).map(([role, token]) => ({
    name: role === 'approver' ? 'ops' : role,
    role,
    token,
    ...(role === 'approver' ? { slackUserId: 'U0APPROVER' } : role === 'viewer' ? { slackUserId: 'U0VIEWER' } : {}),
  }));
  app = await testApp({ chat: [{ id: 'care', kind: 'slack', webhookUrl: slack.url, signingSecret: SECRET }], users });
  server = await buildServer(app.ctx);
});

afterAll(async () => {
  await server?.close();
  await app?.close();
  await slack?.close();
});

async function freshItem(): Promise<InboxItem> {
  counter += 1;
  return storeInboxItem(app.ctx, { nativeId: `slack-${counter}`, text: `bag lost again ${counter}`, urgency: 80 });
}

function click(item: InboxItem, action: 'approve' | 'reject' | 'edit', user = 'U0APPROVER'): string {
  const payload = {
    type: 'block_actions',
    api_app_id: 'A1',
    user: { id: user, username: 'ops', name: 'ops', team_id: 'T1' },
    team: { id: 'T1', domain: 'acme' },
    container: { type: 'message', message_ts: '1735787045.000100', channel_id: 'C123', is_ephemeral: false },
    response_url: slack.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: action,
        block_id: `item_${item.id}`,
        value: `${item.id}:${item.draftVersion}`,
        action_ts: '1735787100.123456',
      },
    ],
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

function post(
  body: string,
  opts: { secret?: string; ts?: number; signedBody?: string; signature?: string } = {},
): Promise<LightMyRequestResponse> {
  const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
  const signature = opts.signature ?? slackSignature(opts.secret ?? SECRET, ts, opts.signedBody ?? body);
  return server.inject({
    method: 'POST',
    url: '/slack/interactivity',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': signature },
    payload: body,
  });
}

async function publishJobs(itemId: string) {
  const jobs = await app.ctx.queues.publish.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
  return jobs.filter((j) => (j.data as { itemId?: string }).itemId === itemId);
}

/** earshot_slack_refused_total{reason} as /metrics serves it. */
async function refusedCount(reason: string): Promise<number> {
  const text = (await server.inject({ method: 'GET', url: '/metrics' })).body;
  const match = new RegExp(`^earshot_slack_refused_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text);
  return Number(match?.[1] ?? NaN);
}

async function refusals(): Promise<string[]> {
  return (await readAudit(app.ctx.db, { limit: 200 })).filter((e) => e.action === 'slack.refused').map((e) => String(e.detail?.['reason']));
}

/** The refused request left the item, the publish queue and the Slack message as they were. */
async function expectUnchanged(item: InboxItem, responsesBefore: number): Promise<void> {
  const after = await getItem(app.ctx.db, item.id);
  expect(after?.status).toBe('new');
  expect(after?.approvals).toBe(0);
  expect(await publishJobs(item.id)).toHaveLength(0);
  // Every message update the route started has been answered by now, so none means none ever.
  await slackUpdatesSettled();
  expect(slack.responses).toHaveLength(responsesBefore);
}

describe('Slack request signing', () => {
  it("matches the doc's test vector", () => {
    const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D';
    const expected = 'v0=982cdc346e41d9774e3e833d987a3f28f8d0bbabb529928179ef1ebc715223c1';
    expect(slackSignature(SECRET, '1700000000', body)).toBe(expected);
    expect(signatureMatches(['another_secret_0000000000', SECRET], '1700000000', Buffer.from(body), expected)).toBe(true);
    expect(signatureMatches([SECRET], '1700000001', Buffer.from(body), expected)).toBe(false);
  });

  it("accepts the doc's vector at the endpoint when the clock says 1700000000 (then finds no user in it: 400, not 401)", async () => {
    const bare = Fastify();
    await bare.register(slackRoutes(app.ctx, { now: () => 1_700_000_000_000 + 299_000 }));
    const res = await bare.inject({
      method: 'POST',
      url: '/slack/interactivity',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': '1700000000',
        'x-slack-signature': 'v0=982cdc346e41d9774e3e833d987a3f28f8d0bbabb529928179ef1ebc715223c1',
      },
      payload: 'payload=%7B%22type%22%3A%22block_actions%22%7D',
    });
    expect(res.statusCode).toBe(400);
    await bare.close();
  });
});

describe('alert buttons', () => {
  it('carry approve / reject with the item id and draft version; edit links to the inbox', async () => {
    const item = await freshItem();
    const stored = (await loadMentions(app.ctx.db, [item.id])).get(item.id);
    if (!stored) throw new Error('no mention');
    const alert = escalationAlert(app.config, item, stored);
    const actions = slackPayload(alert, true).blocks.at(-1) as { elements: Array<{ action_id: string; value?: string; url?: string }> };
    const byId = Object.fromEntries(actions.elements.map((e) => [e.action_id, e]));
    expect(byId['approve']?.value).toBe(`${item.id}:1`);
    expect(byId['reject']?.value).toBe(`${item.id}:1`);
    expect(byId['edit']?.url).toBe(alert.inboxUrl);
    // Without a signing secret the clicks could not be verified, so only links are offered.
    const plain = JSON.stringify(slackPayload(alert, false).blocks);
    expect(plain).not.toContain('"approve"');
    expect(plain).not.toContain('"reject"');
  });
});

describe('POST /slack/interactivity', () => {
  it('approves through the inbox path: item approved, publish job queued, message updated via response_url', async () => {
    const item = await freshItem();
    const res = await post(click(item, 'approve'));
    expect(res.statusCode).toBe(200);
    const after = await getItem(app.ctx.db, item.id);
    expect(after).toMatchObject({ status: 'approved', approvedBy: 'ops', approvals: 1 });
    expect((await publishJobs(item.id)).map((j) => j.id)).toEqual([`publish-${item.id}-v1-a1`]);
    const [update] = await waitFor('response_url update', () => (slack.responses.length ? slack.responses : undefined));
    expect(update?.body).toMatchObject({ replace_original: true, text: 'Approved by @ops — reply posting' });
    const blocks = JSON.stringify(update?.body['blocks']);
    expect(blocks).toContain('bag lost again');
    expect(blocks).not.toContain('"approve"');
  });

  it('rejects the same way', async () => {
    const item = await freshItem();
    const before = slack.responses.length;
    expect((await post(click(item, 'reject'))).statusCode).toBe(200);
    expect(await getItem(app.ctx.db, item.id)).toMatchObject({ status: 'rejected', rejectReason: 'rejected in Slack by ops' });
    await waitFor('reject update', () => slack.responses.length > before);
    expect(slack.responses.at(-1)?.body['text']).toMatch(/^Rejected by @ops/);
  });

  it('refuses a signature made with another secret (401), and nothing changes', async () => {
    const item = await freshItem();
    const before = slack.responses.length;
    const res = await post(click(item, 'approve'), { secret: 'not_the_signing_secret_0000000' });
    expect(res.statusCode).toBe(401);
    await expectUnchanged(item, before);
    // Counted, not audited: an anonymous flood must not push approvals out of the trimmed audit stream.
    expect(await refusals()).not.toContain('signature does not match');
    expect(await refusedCount('bad_signature')).toBeGreaterThan(0);
  });

  it('refuses a tampered body signed for different content', async () => {
    const item = await freshItem();
    const other = await freshItem();
    const before = slack.responses.length;
    const res = await post(click(item, 'approve'), { signedBody: click(other, 'reject') });
    expect(res.statusCode).toBe(401);
    await expectUnchanged(item, before);
    await expectUnchanged(other, before);
  });

  it('refuses a stale timestamp even with a valid signature', async () => {
    const item = await freshItem();
    const before = slack.responses.length;
    const res = await post(click(item, 'approve'), { ts: Math.floor(Date.now() / 1000) - 301 });
    expect(res.statusCode).toBe(401);
    await expectUnchanged(item, before);
    // Counted, not audited: an anonymous flood must not push approvals out of the trimmed audit stream.
    expect(await refusals()).not.toContain('timestamp outside the 5-minute window');
    expect(await refusedCount('stale')).toBeGreaterThan(0);
  });

  it('refuses a replay of a request it already accepted', async () => {
    const item = await freshItem();
    const body = click(item, 'approve');
    const ts = Math.floor(Date.now() / 1000);
    expect((await post(body, { ts })).statusCode).toBe(200);
    const replay = await post(body, { ts });
    expect(replay.statusCode).toBe(401);
    // Counted, not audited: an anonymous flood must not push approvals out of the audit log.
    expect(await refusals()).not.toContain('replayed request');
    expect(await refusedCount('replay')).toBeGreaterThan(0);
    expect(await getItem(app.ctx.db, item.id)).toMatchObject({ status: 'approved', approvals: 1 });
    expect(await publishJobs(item.id)).toHaveLength(1);
  });

  it('refuses a Slack user who is not mapped to an Earshot user', async () => {
    const item = await freshItem();
    const before = slack.responses.length;
    const res = await post(click(item, 'approve', 'U0STRANGER'));
    expect(res.statusCode).toBe(401);
    await expectUnchanged(item, before);
    const entry = (await readAudit(app.ctx.db, { limit: 50 })).find(
      (e) => e.action === 'slack.refused' && e.detail?.['slackUserId'] === 'U0STRANGER',
    );
    expect(entry).toBeDefined();
  });

  it("applies the mapped user's role: a viewer's approve is refused, told privately, and changes nothing", async () => {
    const item = await freshItem();
    const before = slack.responses.length;
    expect((await post(click(item, 'approve', 'U0VIEWER'))).statusCode).toBe(200);
    await waitFor('ephemeral refusal', () => slack.responses.length > before);
    expect(slack.responses.at(-1)?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(slack.responses.at(-1)?.body['text'])).toMatch(/^Not approved: /);
    expect((await getItem(app.ctx.db, item.id))?.status).toBe('new');
    expect(await publishJobs(item.id)).toHaveLength(0);
  });

  it('answers 200 and does nothing for a link button (Edit)', async () => {
    const item = await freshItem();
    const before = slack.responses.length;
    expect((await post(click(item, 'edit'))).statusCode).toBe(200);
    await expectUnchanged(item, before);
  });

  it('is not behind the bearer-token scope, and refuses a request with no signature headers', async () => {
    const res = await server.inject({
      method: 'POST',
      url: '/slack/interactivity',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'payload=%7B%7D',
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'unauthorized', message: 'missing or malformed Slack signature headers' });
  });
});
