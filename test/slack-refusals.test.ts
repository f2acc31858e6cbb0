import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { slackSignature } from '../src/api/routes-slack.js';
import { testApp, type TestApp } from './helpers/app.js';
import { auditPage } from '../src/store/audit.js';

const SECRET = 'fake_signing_secret_0123456789abcdef';

let app: TestApp;
let server: FastifyInstance;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  app = await testApp({ chat: [{ id: 'care', kind: 'slack', webhookUrl: 'http://127.0.0.1:9/services/T/B/x', signingSecret: SECRET }] });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  server = await buildServer({ ...app.ctx, log: pino({ level: 'info' }, sink) });
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

const body = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U0NOBODY' }, actions: [{ action_id: 'approve', value: 'm_x:1' }] }))}`;

function forged(i: number, headers: Record<string, string>) {
  return server.inject({
    method: 'POST',
    url: '/slack/interactivity',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: `${body}&n=${i}`,
  });
}

async function counts(): Promise<Record<string, number>> {
  const text = (await server.inject({ method: 'GET', url: '/metrics' })).body;
  return Object.fromEntries([...text.matchAll(/^earshot_slack_refused_total\{reason="(\w+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
}

const auditLength = async () => (await auditPage(app.ctx.db, { limit: 1 })).total;
const refusalLines = () =>
  lines.filter((l) => typeof l['msg'] === 'string' && (l['msg'] as string).startsWith('Slack interactivity request refused'));

describe('refusals before the Slack signature checks out', () => {
  it('a flood of unsigned and badly signed requests adds nothing to the audit log, is counted on /metrics and logged once', async () => {
    const auditBefore = await auditLength();
    const before = await counts();
    const ts = String(Math.floor(Date.now() / 1000));
    const replies = await Promise.all([
      ...Array.from({ length: 150 }, (_, i) => forged(i, { 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${'0'.repeat(64)}` })),
      ...Array.from({ length: 50 }, (_, i) => forged(i, {})),
      ...Array.from({ length: 20 }, (_, i) =>
        forged(i, {
          'x-slack-request-timestamp': String(Number(ts) - 3600),
          'x-slack-signature': slackSignature(SECRET, String(Number(ts) - 3600), `${body}&n=${i}`),
        }),
      ),
    ]);
    expect(new Set(replies.map((r) => r.statusCode))).toEqual(new Set([401]));
    expect(await auditLength()).toBe(auditBefore);
    const after = await counts();
    expect((after['bad_signature'] ?? 0) - (before['bad_signature'] ?? 0)).toBe(150);
    expect((after['unsigned'] ?? 0) - (before['unsigned'] ?? 0)).toBe(50);
    expect((after['stale'] ?? 0) - (before['stale'] ?? 0)).toBe(20);
    expect(refusalLines()).toHaveLength(1);
  });

  it('a request Slack really signed for an unknown Slack user is still audited', async () => {
    const auditBefore = await auditLength();
    const ts = String(Math.floor(Date.now() / 1000));
    const res = await server.inject({
      method: 'POST',
      url: '/slack/interactivity',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': ts,
        'x-slack-signature': slackSignature(SECRET, ts, body),
      },
      payload: body,
    });
    expect(res.statusCode).toBe(401);
    expect(await auditLength()).toBe(auditBefore + 1);
  });
});
