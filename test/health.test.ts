import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { checkSourceHealth } from '../src/listen/health.js';
import { enqueue } from '../src/jobs/queues.js';
import { forgetSource, readSourceState, recordPollFailure, recordPollSuccess, recordStreamState } from '../src/store/sources.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { nth, present } from './helpers/present.js';

const masto = { instance: 'https://social.example', token: 'fake-token' };
const SOURCES = [
  { id: 'chatty', kind: 'mastodon', brand: 'acme', interval: '5m', quietAfter: '1h', options: masto },
  { id: 'no-threshold', kind: 'mastodon', brand: 'acme', interval: '5m', options: masto },
  { id: 'never-spoke', kind: 'mastodon', brand: 'acme', interval: '5m', quietAfter: '1h', options: masto },
  { id: 'switched-off', kind: 'mastodon', brand: 'acme', interval: '5m', quietAfter: '1h', enabled: false, options: masto },
];
const HOUR = 3_600_000;

describe('source health', () => {
  let app: TestApp;
  let server: FastifyInstance;

  beforeAll(async () => {
    app = await testApp({ sources: SOURCES, chat: [{ id: 'console', kind: 'console' }] });
    server = await buildServer(app.ctx);
  });
  afterAll(async () => {
    await server.close();
    await app.close();
  });
  beforeEach(async () => {
    await app.ctx.queues.alert.obliterate({ force: true });
    for (const s of SOURCES) await forgetSource(app.ctx.db, s.id);
  });

  const sourceAlerts = async () =>
    (await app.ctx.queues.alert.getJobs(['waiting', 'delayed', 'prioritized'])).map(
      (j) => j.data as { kind: string; sourceId: string; problem: string },
    );

  it('alerts "gone quiet" once per silence, only for sources with a threshold that produced posts before', async () => {
    for (const id of ['chatty', 'no-threshold', 'switched-off']) await recordPollSuccess(app.ctx.db, id, { cursor: 'c1', items: 3 });
    await recordPollSuccess(app.ctx.db, 'never-spoke', { cursor: 'c1', items: 0 });
    // Taken after the writes: on a busy machine they take milliseconds, and "2h" must not read as 119m.
    const t0 = Date.now();

    expect(await checkSourceHealth(app.ctx, t0 + 30 * 60_000)).toEqual({ quiet: [], failing: [] });
    expect(await checkSourceHealth(app.ctx, t0 + 2 * HOUR)).toEqual({ quiet: ['chatty'], failing: [] });
    const [alert] = await sourceAlerts();
    expect(alert).toMatchObject({ kind: 'source', sourceId: 'chatty' });
    expect(present(alert).problem).toMatch(/^Source "chatty" has gone quiet: no new posts for 2h \(alert threshold 1h\)/);
    // Still silent later: no second alert for the same silence.
    expect(await checkSourceHealth(app.ctx, t0 + 3 * HOUR)).toEqual({ quiet: [], failing: [] });

    // Posts again, then a new silence: a new alert.
    await recordPollSuccess(app.ctx.db, 'chatty', { cursor: 'c2', items: 1 });
    const t1 = (await readSourceState(app.ctx.db, 'chatty')).lastItemAt;
    expect(t1).toBeGreaterThanOrEqual(t0);
    expect((await checkSourceHealth(app.ctx, t1 + 90 * 60_000)).quiet).toEqual(['chatty']);
  });

  it('counts items delivered by a stream as the source speaking', async () => {
    await recordPollSuccess(app.ctx.db, 'chatty', { cursor: 'c1', items: 1 });
    const polled = (await readSourceState(app.ctx.db, 'chatty')).lastItemAt;
    await recordStreamState(app.ctx.db, 'chatty', { connected: true, items: 1, at: polled + 60_000 });
    const streamed = await readSourceState(app.ctx.db, 'chatty');
    expect(streamed.lastItemAt).toBeGreaterThan(polled);
    expect((await checkSourceHealth(app.ctx, polled + HOUR + 1)).quiet).toEqual([]);
  });

  it('alerts on a failing streak, not on a stopped source, and a success clears the streak', async () => {
    for (let i = 0; i < 4; i++) await recordPollFailure(app.ctx.db, 'chatty', { error: 'HTTP 502' });
    expect((await checkSourceHealth(app.ctx)).failing).toEqual([]);
    await recordPollFailure(app.ctx.db, 'chatty', { error: 'HTTP 503 from social.example' });
    await recordPollFailure(app.ctx.db, 'never-spoke', { error: 'token rejected', stop: true });
    for (let i = 0; i < 5; i++) await recordPollFailure(app.ctx.db, 'never-spoke', { error: 'token rejected' });
    expect(await checkSourceHealth(app.ctx)).toEqual({ quiet: [], failing: ['chatty'] });
    const alerts = await sourceAlerts();
    expect(alerts.map((a) => a.problem)).toEqual(['Source "chatty" has failed 5 polls in a row: HTTP 503 from social.example']);

    await recordPollSuccess(app.ctx.db, 'chatty', { cursor: 'c', items: 0 });
    expect((await readSourceState(app.ctx.db, 'chatty')).errorStreak).toBe(0);
  });

  it('GET /metrics shows per-source gauges and queue depths', async () => {
    await recordPollSuccess(app.ctx.db, 'chatty', { cursor: 'c', items: 2 });
    await recordStreamState(app.ctx.db, 'chatty', { connected: true });
    for (let i = 0; i < 3; i++) await recordPollFailure(app.ctx.db, 'no-threshold', { error: 'HTTP 500' });
    await recordPollFailure(app.ctx.db, 'never-spoke', { error: 'token rejected', stop: true });
    await enqueue(
      app.ctx.queues,
      'alert',
      { kind: 'source', sourceId: 'chatty', destinationId: 'console', problem: 'x', at: Date.now() },
      { delay: 60_000 },
    );
    const state = await readSourceState(app.ctx.db, 'chatty');

    const res = await server.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const value = (name: string, labels: string) => {
      const line = res.body.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
      return line === undefined ? undefined : Number(line.split(' ').pop());
    };
    const labels = (id: string) => `source="${id}",kind="mastodon",brand="acme"`;
    expect(value('earshot_source_healthy', labels('chatty'))).toBe(1);
    expect(value('earshot_source_healthy', labels('never-spoke'))).toBe(0);
    expect(value('earshot_source_error_streak', labels('no-threshold'))).toBe(3);
    expect(value('earshot_source_stream_connected', labels('chatty'))).toBe(1);
    expect(value('earshot_source_last_success_seconds', labels('chatty'))).toBeCloseTo(state.lastSuccessAt / 1000, 3);
    expect(value('earshot_source_last_item_seconds', labels('chatty'))).toBeCloseTo(state.lastItemAt / 1000, 3);
    expect(value('earshot_source_last_error_seconds', labels('no-threshold'))).toBeGreaterThan(0);
    // One series per derived state: three failures in a row read as failing, a rejected token as needing credentials.
    expect(value('earshot_source_state', `${labels('no-threshold')},state="failing"`)).toBe(1);
    expect(value('earshot_source_state', `${labels('no-threshold')},state="ok"`)).toBe(0);
    expect(value('earshot_source_state', `${labels('never-spoke')},state="needs_credentials"`)).toBe(1);
    expect(value('earshot_queue_jobs', 'queue="alert",state="delayed"')).toBe(1);
    expect(value('earshot_queue_jobs', 'queue="poll",state="waiting"')).toBe(0);
    expect(res.body).toMatch(/^# HELP earshot_source_error_streak /m);
    expect(res.body).not.toContain('fake-token');
  });

  it('GET /api/sources shows the heartbeat without the cursor', async () => {
    await recordPollSuccess(app.ctx.db, 'chatty', { cursor: 'secret-cursor', items: 1 });
    await recordPollFailure(app.ctx.db, 'chatty', { error: 'HTTP 502' });
    await recordStreamState(app.ctx.db, 'chatty', { connected: false, error: 'stream ended by the server' });

    const res = await server.inject({ method: 'GET', url: '/api/sources', headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { sources: Array<{ id: string; state: Record<string, unknown>; health: Record<string, unknown> }> };
    expect(body.sources.map((s) => s.id)).toEqual(SOURCES.map((s) => s.id));
    // One failed poll: still running, not ok; the derived state says so (see source-status.test.ts).
    expect(nth(body.sources, 0).health).toMatchObject({ state: 'degraded', errorStreak: 1 });
    const chatty = nth(body.sources, 0).state;
    expect(chatty).toMatchObject({
      healthy: false,
      running: true,
      errorStreak: 1,
      lastError: 'HTTP 502',
      streamConnected: false,
      streamError: 'stream ended by the server',
    });
    for (const field of ['lastSuccessAt', 'lastItemAt', 'lastErrorAt', 'streamAt']) expect(chatty[field]).toBeGreaterThan(0);
    expect(chatty).not.toHaveProperty('cursor');
    expect(res.body).not.toContain('secret-cursor');
    expect((await server.inject({ method: 'GET', url: '/api/sources' })).statusCode).toBe(401);
  });
});

describe('who may read /metrics', () => {
  it('serves loopback only by default, and asks for api.metricsToken when one is set', async () => {
    const open = await testApp();
    const locked = await testApp({ api: { metricsToken: 'scrape-token-0123456789abcdef' } });
    const [a, b] = [await buildServer(open.ctx), await buildServer(locked.ctx)];
    try {
      expect((await a.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
      const remote = await a.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' });
      expect(remote.statusCode).toBe(403);
      expect(remote.json().error).toMatch(/api\.metricsToken/);
      expect((await b.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      expect(
        (await b.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789abcde' } })).statusCode,
      ).toBe(401);
      const ok = await b.inject({
        method: 'GET',
        url: '/metrics',
        remoteAddress: '10.1.2.3',
        headers: { authorization: 'Bearer scrape-token-0123456789abcdef' },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('earshot_queue_jobs');
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([open.close(), locked.close()]);
    }
  });
});
