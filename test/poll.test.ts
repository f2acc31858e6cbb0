import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContext } from '../src/app/runtime.js';
import type { AppContext } from '../src/context.js';
import { syncSchedulers } from '../src/app/scheduler.js';
import { closeQueues } from '../src/jobs/queues.js';
import { pollSource } from '../src/listen/poll.js';
import { createRedis } from '../src/redis/connection.js';
import { readSourceState } from '../src/store/sources.js';
import { FakeMastodon } from './fakes/mastodon.js';
import { countingProxy } from './helpers/counting-proxy.js';
import { testApp, type TestApp } from './helpers/app.js';

describe('poll', () => {
  let fake: FakeMastodon;
  let app: TestApp;

  beforeAll(async () => {
    fake = await FakeMastodon.start({ token: 'fake-token' });
    app = await testApp({
      sources: [
        { id: 'masto', kind: 'mastodon', brand: 'acme', interval: '45s', options: { instance: fake.url, token: 'fake-token' } },
        { id: 'off', kind: 'mastodon', brand: 'acme', enabled: false, options: { instance: fake.url, token: 'fake-token' } },
        {
          id: 'small',
          kind: 'mastodon',
          brand: 'acme',
          interval: '1h',
          stream: false,
          options: { instance: fake.url, token: 'fake-token', pageLimit: 5, maxPagesPerPoll: 2 },
        },
      ],
    });
  });

  afterAll(async () => {
    await app.close();
    await fake.close();
  });

  it('stores a page of 40 mentions in a handful of Redis round trips, not one per mention', async () => {
    for (let i = 0; i < 40; i++) fake.addMention(fake.status({ text: `@AcmeAir question number ${i}?`, acct: `asker${i}@social.example` }));
    const proxy = await countingProxy(new URL(app.redisUrl));
    const redis = createRedis(proxy.url);
    const ctx: AppContext = buildContext(app.config, redis, app.ctx.db, pino({ level: 'silent' }));
    await redis.ping();
    await ctx.queues.triage.waitUntilReady();
    proxy.reset();
    const outcome = await pollSource(ctx, 'masto');
    const writes = proxy.writes();
    expect(outcome).toMatchObject({ status: 'ok', fetched: 40, stored: 40 });
    expect(writes).toBeLessThanOrEqual(12);
    await closeQueues(ctx.queues);
    await ctx.http.close();
    await redis.quit();
    await proxy.close();
  });

  it('pauses the source until the rate-limit reset and sends nothing before it', async () => {
    const reset = new Date(Date.now() + 1_500);
    fake.rateLimitNext(1, { reset });
    fake.addMention(fake.status({ text: '@AcmeAir hello?' }));
    expect(await pollSource(app.ctx, 'masto')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/rate limited until/) });
    const state = await readSourceState(app.ctx.db, 'masto');
    expect(Math.abs(state.pauseUntil - reset.getTime())).toBeLessThan(1_000);
    const before = fake.requests.length;
    expect(await pollSource(app.ctx, 'masto')).toMatchObject({ status: 'skipped' });
    expect(fake.requests.length).toBe(before);
    // The pause is judged by ctx.now: just before the reset still nothing is sent, just after it polls.
    app.ctx.now = () => state.pauseUntil - 1;
    try {
      expect(await pollSource(app.ctx, 'masto')).toMatchObject({ status: 'skipped' });
      expect(fake.requests.length).toBe(before);
      app.ctx.now = () => state.pauseUntil + 1;
      expect(await pollSource(app.ctx, 'masto')).toMatchObject({ status: 'ok', stored: 1 });
    } finally {
      app.ctx.now = Date.now;
    }
  });

  it('a backlog bigger than one poll may read is read at once, not one page limit per interval', async () => {
    expect(await pollSource(app.ctx, 'small')).toMatchObject({ status: 'ok' }); // the first poll only sets the position
    for (let i = 0; i < 12; i++) fake.addMention(fake.status({ text: `@AcmeAir backlog post ${i}` }));
    const first = await pollSource(app.ctx, 'small');
    expect(first).toMatchObject({ status: 'ok', fetched: 10, more: true });
    const queued = await app.ctx.queues.poll.getJobs(['waiting', 'prioritized']);
    expect(queued.filter((j) => j.id?.startsWith('more-small-')).map((j) => j.data)).toEqual([{ sourceId: 'small' }]);
    const second = await pollSource(app.ctx, 'small');
    expect(second).toMatchObject({ status: 'ok', fetched: 2 });
    expect(second).not.toHaveProperty('more');
  });

  it('one job scheduler per enabled source at its interval; removed sources lose theirs', async () => {
    await app.ctx.queues.poll.upsertJobScheduler('source-gone', { every: 60_000 }, { name: 'poll', data: { sourceId: 'gone' } });
    await syncSchedulers(app.ctx);
    const schedulers = await app.ctx.queues.poll.getJobSchedulers(0, -1);
    expect(schedulers.map((s) => [s.key, s.every]).sort()).toEqual([
      ['source-masto', 45_000],
      ['source-small', 3_600_000],
    ]);
  });

  it('stops a source whose token is rejected, marks it unhealthy and alerts a person', async () => {
    fake.failNext(401, { error: 'The access token is invalid' });
    expect(await pollSource(app.ctx, 'masto')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^stopped: /) });
    const state = await readSourceState(app.ctx.db, 'masto');
    expect(state.healthy).toBe(false);
    // Readers get Earshot's summary; the platform's own words are kept for admins only.
    expect(state.stoppedReason).toMatch(/^credentials rejected \(HTTP 401\)/);
    expect(state.lastErrorDetail).toMatch(/access token/);
    const alerts = await app.ctx.queues.alert.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(alerts.map((j) => j.data)).toContainEqual(
      expect.objectContaining({ kind: 'source', sourceId: 'masto', problem: expect.stringMatching(/credentials rejected/) }),
    );
    const before = fake.requests.length;
    expect(await pollSource(app.ctx, 'masto')).toMatchObject({ status: 'skipped' });
    expect(fake.requests.length).toBe(before);
    await syncSchedulers(app.ctx); // a restart retries with what is now in the config
    expect((await readSourceState(app.ctx.db, 'masto')).healthy).toBe(true);
  });
});
