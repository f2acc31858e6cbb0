import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { routeBatch } from '../src/pipeline/route.js';
import { recordReplySent } from '../src/store/authors.js';
import { transition } from '../src/store/inbox.js';
import { readStats } from '../src/store/stats.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { seedMention } from './helpers/seed.js';

const HOUR = 3_600_000;
const MIN = 60_000;
let app: TestApp;
let server: FastifyInstance;
const day = new Date(Date.now() - 86_400_000);
const base = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 10);
const ids: Record<string, string> = {};

async function reply(id: string, authorId: string, postedAt: number, extra: Record<string, number> = {}) {
  await transition(app.ctx, id, { from: ['new'], set: { status: 'posted', postedAt, replyId: `r-${id}`, ...extra }, actor: 'test', action: 'publish.posted' });
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
    const res = await server.inject({ method: 'GET', url: `/api/analytics?from=${base - HOUR}&to=${base + 5 * HOUR}&brand=acme`, headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.volume.bucketMs).toBe(HOUR);
    const totals = body.volume.overall.map((p: { total: number }) => p.total);
    expect(totals).toEqual([0, 1, 2, 0, 1, 1, 0]);
    expect(body.volume.overall[2]).toMatchObject({ negative: 1, positive: 1, neutral: 0 });
    expect(Object.keys(body.volume.bySource).sort()).toEqual(['other', 'src']);
    expect(body.response).toMatchObject({ replied: 2, medianMs: 30 * MIN, p90Ms: HOUR, clock: expect.stringMatching(/createdAt.*postedAt/) });
    expect(body.response.buckets.map((b: { count: number }) => b.count)).toEqual([0, 1, 1, 0, 0]);
    const normal = body.sla.find((s: { priority: string }) => s.priority === 'normal');
    expect(normal).toMatchObject({ met: 1, late: 1, overdue: 0, pending: 1, attainment: 0.5 });
    expect(body.sla.find((s: { priority: string }) => s.priority === 'urgent')).toMatchObject({ attainment: null });
    expect(body.recovery).toEqual({ replied: 2, followedUp: 2, improved: 1, rate: 0.5 });
  });

  it('filters by brand, validates the range and needs a signed-in user', async () => {
    const other = await server.inject({ method: 'GET', url: `/api/analytics?from=${base}&to=${base + HOUR}&brand=nobody`, headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    expect(other.json().response.replied).toBe(0);
    const bad = await server.inject({ method: 'GET', url: '/api/analytics?from=yesterday', headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    expect(bad.statusCode).toBe(400);
    const backwards = await server.inject({ method: 'GET', url: `/api/analytics?from=${base}&to=${base - 1}`, headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    expect(backwards.statusCode).toBe(400);
    expect((await server.inject({ method: 'GET', url: '/api/analytics' })).statusCode).toBe(401);
  });
});
