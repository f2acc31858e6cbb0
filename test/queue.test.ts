import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { seedMention } from './helpers/seed.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let app: TestApp;
let server: FastifyInstance;

/**
 * Many open items straight into the tables, as a long-running installation has them: `count`
 * mentions and items, every `urgentEvery`-th urgent, each newer than the last.
 */
async function seedBulk(prefix: string, count: number, urgentEvery: number, newestAt: number): Promise<void> {
  const now = Date.now();
  await app.ctx.db.query(
    `INSERT INTO mentions (id, platform, native_id, source_id, brand_id, author_id, created_at, stored_at, lang, text, rest, sentiment, score, category, urgency, complaint)
     SELECT $1 || g, 'mastodon', $1 || g, 'bulk', 'acme', 'bulk-' || (g % 300), $3::bigint - ($2::bigint - g) * 1000, $4::bigint, 'en', 'storm post ' || g || ' about a delayed flight',
            '[null,["bulk' || (g % 300) || '","Bulk",10,null],null,[0,0,0],null,{}]', 'negative', -0.5, 'delay_cancellation', 30, true
     FROM generate_series(1, $2) g`,
    [prefix, count, newestAt, now],
  );
  await app.ctx.db.query(
    `INSERT INTO inbox_items (id, brand_id, source_id, platform, rank, status, urgency, category, sentiment, language, created_at, routed_at, updated_at, sla_due_at, draft, draft_template)
     SELECT m.id, 'acme', 'bulk', 'mastodon', CASE WHEN g % $3 = 0 THEN 0 ELSE 1 END, 'new', CASE WHEN g % $3 = 0 THEN 70 ELSE 30 END, 'delay_cancellation', 'negative', 'en',
            m.created_at, $4::bigint, $4::bigint, $4::bigint + CASE WHEN g % $3 = 0 THEN ${HOUR} ELSE ${DAY} END + (g % 97) * 1000, 'Hi, sorry about that.', 'default'
     FROM generate_series(1, $2) g JOIN mentions m ON m.id = $1 || g`,
    [prefix, count, urgentEvery, now],
  );
}

type Page = {
  items: Array<{ item: { id: string; priority: string; slaDueAt: number; urgency: number } }>;
  total: number;
  next: string | null;
};

async function get<T>(url: string): Promise<T> {
  const res = await server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKENS.viewer}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
}

beforeAll(async () => {
  app = await testApp();
  server = await buildServer(app.ctx);
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

describe('inbox queue on PostgreSQL', () => {
  it('10,000 open items: urgent first, an exact total, and keyset pages that cover every item once', async () => {
    await seedBulk('q', 10_000, 400, Date.now() - HOUR);
    const first = await get<Page>('/api/inbox?source=bulk&limit=50');
    expect(first.total).toBe(10_000);
    expect(first.items).toHaveLength(50);
    expect(first.items.slice(0, 25).every((e) => e.item.priority === 'urgent')).toBe(true);
    expect(first.items[25]?.item.priority).toBe('normal');
    expect(first.next).toEqual(expect.any(String));

    const seen = new Set<string>();
    let previous: Page['items'][number]['item'] | undefined;
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await get<Page>(`/api/inbox?source=bulk&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.total).toBe(10_000);
      for (const { item } of page.items) {
        expect(seen.has(item.id)).toBe(false);
        seen.add(item.id);
        // Never back up in the order: urgent before normal, then the SLA that runs out first.
        if (previous && previous.priority === item.priority) expect(item.slaDueAt).toBeGreaterThanOrEqual(previous.slaDueAt);
        if (previous) expect(previous.priority === 'normal' && item.priority === 'urgent').toBe(false);
        previous = item;
      }
      cursor = page.next;
      pages += 1;
    } while (cursor);
    expect(seen.size).toBe(10_000);
    expect(pages).toBe(20);
    expect(
      (await server.inject({ method: 'GET', url: '/api/inbox?cursor=not-a-cursor', headers: { authorization: `Bearer ${TOKENS.viewer}` } }))
        .statusCode,
    ).toBe(400);
  });

  it('the storm: after 3,000 newer posts the lawyer threat is still found by status, priority, language and text', async () => {
    const threat = await seedMention(app.ctx, {
      nativeId: 'lawyer-1',
      text: 'My lawyer will hear about this lost wheelchair',
      priority: 'urgent',
      urgency: 100,
      slaInMs: 2 * HOUR,
      sourceId: 'storm',
      createdAt: Date.now() - 2 * HOUR,
    });
    await seedBulk('s', 3_000, 1_000_000, Date.now());
    const ids = (page: Page) => page.items.map((e) => e.item.id);
    expect(ids(await get<Page>('/api/inbox?status=new&q=lawyer'))).toEqual([threat.id]);
    expect(ids(await get<Page>('/api/inbox?priority=urgent&source=storm'))).toEqual([threat.id]);
    expect(ids(await get<Page>('/api/inbox?status=new&category=other&language=en'))).toContain(threat.id);
    expect(ids(await get<Page>('/api/inbox?q=wheelch'))).toEqual([threat.id]);
    const search = await get<{ results: Array<{ id: string; item: { status: string } | null }>; total: number }>('/api/search?q=lawyer');
    expect(search).toMatchObject({ total: 1, results: [{ id: threat.id, item: { status: 'new' } }] });
  });

  it('search finds a post from any day, routed or not, by word and by substring, with paging', async () => {
    const old = await seedMention(app.ctx, {
      nativeId: 'old-1',
      text: 'The refund saga continues, third call this month',
      sentiment: 'positive',
      item: false,
      createdAt: Date.now() - 400 * DAY,
    });
    const words = await get<{ results: Array<{ id: string; item: unknown }>; total: number }>('/api/search?q=refund%20saga');
    expect(words.results.map((r) => r.id)).toEqual([old.id]);
    expect(words.results[0]?.item).toBeNull();
    expect((await get<{ results: Array<{ id: string }> }>('/api/search?q=AGA%20CONT')).results.map((r) => r.id)).toEqual([old.id]);
    const first = await get<{ results: Array<{ id: string }>; total: number; totalExact: boolean; next: string | null }>(
      '/api/search?q=storm%20post&limit=200',
    );
    // 13,000 matches: more than are counted exactly, so the total is PostgreSQL's estimate.
    expect(first.totalExact).toBe(false);
    expect(first.total).toBeGreaterThan(1000);
    expect(first.results).toHaveLength(200);
    const second = await get<{ results: Array<{ id: string }>; next: string | null }>(
      `/api/search?q=storm%20post&limit=200&cursor=${first.next}`,
    );
    expect(second.results.some((r) => first.results.some((f) => f.id === r.id))).toBe(false);
  });
});
