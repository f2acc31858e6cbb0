import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { routeBatch } from '../src/route/route.js';
import { recordReplySent } from '../src/store/authors.js';
import { transition } from '../src/store/inbox.js';
import { readStats } from '../src/store/stats.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { seedMention } from './helpers/seed.js';
import { PERIOD, PREV, seedAnalytics, TWO_PERIODS } from './helpers/analytics-seed.js';

const HOUR = 3_600_000;
const MIN = 60_000;
let app: TestApp;
let server: FastifyInstance;
// Twenty hours ago, on the hour: the unanswered normal item (posted at base + 3 h) is then due
// in about seven hours, whatever the time of day. Yesterday 10:00 made it overdue after 13:00 UTC.
const base = Math.floor((Date.now() - 20 * HOUR) / HOUR) * HOUR;
const ids: Record<string, string> = {};

async function reply(id: string, authorId: string, postedAt: number, extra: Record<string, number> = {}) {
  await transition(app.ctx, id, {
    from: ['new'],
    set: { status: 'posted', postedAt, replyId: `r-${id}`, ...extra },
    actor: 'test',
    action: 'publish.posted',
  });
  await recordReplySent(app.ctx.db, { platform: 'mastodon', authorId }, id, postedAt);
}

beforeAll(async () => {
  app = await testApp();
  server = await buildServer(app.ctx);
  const seeds = [
    { key: 'a', nativeId: 'an-a', author: 'alice', sentiment: 'negative', score: -0.8, createdAt: base },
    { key: 'b', nativeId: 'an-b', author: 'bob', sentiment: 'negative', score: -0.5, createdAt: base + HOUR },
    { key: 'c', nativeId: 'an-c', author: 'carol', sentiment: 'positive', score: 0.6, createdAt: base + HOUR, sourceId: 'other' },
    { key: 'd', nativeId: 'an-d', author: 'alice', sentiment: 'neutral', score: 0.1, createdAt: base + 3 * HOUR },
    { key: 'e', nativeId: 'an-e', author: 'bob', sentiment: 'negative', score: -0.9, createdAt: base + 4 * HOUR },
  ] as const;
  for (const s of seeds) ids[s.key] = (await seedMention(app.ctx, { ...s, urgency: 30, item: false })).id;
  // The real route step: creates the items and writes the per-hour counters.
  expect(await routeBatch(app.ctx, Object.values(ids))).toMatchObject({ normal: 3, analytics: 2 });
  await reply(ids['a'] as string, 'id-alice', base + 30 * MIN);
  await reply(ids['b'] as string, 'id-bob', base + 2 * HOUR, { slaDueAt: base + 90 * MIN });
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

describe('analytics', () => {
  it('counts mentions per brand, source, sentiment and hour in the route step, once', async () => {
    const rows = await readStats(app.ctx.db, base, base + 5 * HOUR);
    const sum = (f: (r: (typeof rows)[number]) => boolean) => rows.filter(f).reduce((n, r) => n + r.count, 0);
    expect(sum(() => true)).toBe(5);
    expect(sum((r) => r.sentiment === 'negative')).toBe(3);
    expect(sum((r) => r.source === 'other')).toBe(1);
    expect(sum((r) => r.hour === base + HOUR)).toBe(2);
    await routeBatch(app.ctx, Object.values(ids));
    expect((await readStats(app.ctx.db, base, base + 5 * HOUR)).reduce((n, r) => n + r.count, 0)).toBe(5);
  });

  it('answers GET /api/analytics with volume, response times, SLA and recovery', async () => {
    const res = await server.inject({
      method: 'GET',
      url: `/api/analytics?from=${base - HOUR}&to=${base + 5 * HOUR}&brand=acme`,
      headers: { authorization: `Bearer ${TOKENS.viewer}` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.volume.bucketMs).toBe(HOUR);
    const totals = body.volume.overall.map((p: { total: number }) => p.total);
    expect(totals).toEqual([0, 1, 2, 0, 1, 1, 0]);
    expect(body.volume.overall[2]).toMatchObject({ negative: 1, positive: 1, neutral: 0 });
    expect(Object.keys(body.volume.bySource).sort()).toEqual(['other', 'src']);
    expect(body.response).toMatchObject({
      replied: 2,
      medianMs: 30 * MIN,
      p90Ms: HOUR,
      clock: expect.stringMatching(/createdAt.*postedAt/),
    });
    expect(body.response.buckets.map((b: { count: number }) => b.count)).toEqual([0, 1, 1, 0, 0]);
    const normal = body.sla.find((s: { priority: string }) => s.priority === 'normal');
    expect(normal).toMatchObject({ met: 1, late: 1, overdue: 0, pending: 1, attainment: 0.5 });
    expect(body.sla.find((s: { priority: string }) => s.priority === 'urgent')).toMatchObject({ attainment: null });
    expect(body.recovery).toEqual({ replied: 2, followedUp: 2, improved: 1, rate: 0.5 });
  });

  it('filters by brand, validates the range and needs a signed-in user', async () => {
    const other = await server.inject({
      method: 'GET',
      url: `/api/analytics?from=${base}&to=${base + HOUR}&brand=nobody`,
      headers: { authorization: `Bearer ${TOKENS.viewer}` },
    });
    expect(other.json().response.replied).toBe(0);
    const bad = await server.inject({
      method: 'GET',
      url: '/api/analytics?from=yesterday',
      headers: { authorization: `Bearer ${TOKENS.viewer}` },
    });
    expect(bad.statusCode).toBe(400);
    const backwards = await server.inject({
      method: 'GET',
      url: `/api/analytics?from=${base}&to=${base - 1}`,
      headers: { authorization: `Bearer ${TOKENS.viewer}` },
    });
    expect(backwards.statusCode).toBe(400);
    expect((await server.inject({ method: 'GET', url: '/api/analytics' })).statusCode).toBe(401);
  });
});

describe('analytics: this period against the previous one', () => {
  it('compares headline figures, categories, platforms and responders, all counted from post time', async () => {
    await seedAnalytics(app.ctx, TWO_PERIODS);
    const res = await server.inject({
      method: 'GET',
      url: `/api/analytics?from=${PERIOD.from}&to=${PERIOD.to}`,
      headers: { authorization: `Bearer ${TOKENS.viewer}` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.comparison.current).toMatchObject({
      mentions: 6,
      negative: 4,
      complaints: 4,
      items: 4,
      replied: 3,
      medianFirstResponseMs: 30 * MIN,
      slaAttainment: 0.5,
    });
    expect(body.comparison.previous).toMatchObject({
      from: PREV,
      to: PERIOD.from - 1,
      mentions: 4,
      negative: 3,
      complaints: 3,
      items: 3,
      replied: 3,
      medianFirstResponseMs: 3 * HOUR,
      slaAttainment: 0,
    });
    expect(
      body.categories.map((c: Record<string, unknown>) => [c['category'], c['complaints'], c['previousComplaints'], c['mentions']]),
    ).toEqual([
      ['billing_refund', 3, 1, 3],
      ['delay_cancellation', 1, 2, 1],
      ['praise', 0, 0, 2],
    ]);
    expect(body.platforms.map((p: { platform: string }) => p.platform)).toEqual(['bluesky', 'mastodon']);
    expect(body.platforms[1]).toMatchObject({
      mentions: 3,
      previousMentions: 4,
      negative: 2,
      current: { items: 2, replied: 2, medianFirstResponseMs: 30 * MIN, slaMet: 1, slaDecided: 2 },
    });
    expect(body.platforms[0]).toMatchObject({
      mentions: 3,
      previousMentions: 0,
      current: { items: 2, replied: 1, medianFirstResponseMs: 20 * MIN, slaMet: 1, slaDecided: 2 },
    });
    expect(body.responders).toEqual([
      { responder: 'ana', replies: 2, previousReplies: 2, medianFirstResponseMs: 30 * MIN, slaMet: 1 },
      { responder: 'bob', replies: 1, previousReplies: 1, medianFirstResponseMs: 20 * MIN, slaMet: 1 },
    ]);
    // The SLA figures agree with the response times: a late reply is not "attained".
    expect(body.sla.find((s: { priority: string }) => s.priority === 'normal')).toMatchObject({
      met: 2,
      late: 1,
      overdue: 1,
      attainment: 0.5,
    });
  });
});
