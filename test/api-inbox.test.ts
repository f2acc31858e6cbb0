import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { recordReplySent } from '../src/store/authors.js';
import { transition } from '../src/store/inbox.js';
import { recordPollSuccess } from '../src/store/sources.js';
import { HOUR, useApiServer } from './helpers/api-server.js';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const SCRIPT_TEXT = 'Your app ate my booking <script>alert("pwned")</script> @AcmeAir';

const t = useApiServer();
const { as, seed, freshItem } = t;

describe('inbox and item detail', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    ids['earlier'] = (
      await seed({
        nativeId: 'sort-0',
        text: 'earlier complaint about lost bags',
        priority: 'normal',
        urgency: 35,
        slaInMs: 8 * HOUR,
        sourceId: 'history',
        author: 'alice',
        createdAt: old,
      })
    ).id;
    ids['normal'] = (
      await seed({
        nativeId: 'sort-1',
        text: SCRIPT_TEXT,
        priority: 'normal',
        urgency: 30,
        slaInMs: 10 * HOUR,
        sourceId: 'sort',
        author: 'alice',
        reasons: ['negative sentiment', 'repeat contact (2 posts this week)'],
      })
    ).id;
    ids['urgentLater'] = (
      await seed({
        nativeId: 'sort-2',
        text: 'flight cancelled, nobody answers',
        priority: 'urgent',
        urgency: 90,
        slaInMs: 1 * HOUR,
        sourceId: 'sort',
        author: 'bob',
        category: 'delay_cancellation',
      })
    ).id;
    ids['urgentSooner'] = (
      await seed({
        nativeId: 'sort-3',
        text: 'stuck at the gate for hours',
        priority: 'urgent',
        urgency: 75,
        slaInMs: HOUR / 2,
        sourceId: 'sort',
        author: 'carol',
        category: 'delay_cancellation',
      })
    ).id;
    ids['normalSooner'] = (
      await seed({
        nativeId: 'sort-4',
        text: 'billing looks wrong',
        priority: 'normal',
        urgency: 40,
        slaInMs: 5 * HOUR,
        sourceId: 'sort',
        author: 'dave',
        category: 'billing_refund',
      })
    ).id;
    // Alice's earlier post got a reply: it shows in her history with the reply text and link.
    const earlier = ids['earlier'] as string;
    await transition(t.app.ctx, earlier, {
      from: ['new'],
      set: { status: 'posted', replyUrl: 'https://social.example/@AcmeAir/999', postedAt: Date.now() },
      actor: 'test',
      action: 'item.posted',
    });
    await recordReplySent(t.app.ctx.db, { platform: 'mastodon', authorId: 'id-alice' }, earlier, Date.now() - 86_400_000);
  });

  it('lists urgent first, then the higher urgency (SLA left breaks ties), with mention and triage summaries', async () => {
    const res = await as('viewer', { method: 'GET', url: '/api/inbox?source=sort' });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{
      item: { id: string };
      mention: { author: { handle: string }; text: string };
      triage: { reasons: string[] };
    }>;
    expect(items.map((e) => e.item.id)).toEqual([ids['urgentLater'], ids['urgentSooner'], ids['normalSooner'], ids['normal']]);
    const alice = items[3];
    expect(alice?.mention.author.handle).toBe('alice');
    expect(alice?.triage.reasons).toContain('repeat contact (2 posts this week)');
  });

  it('filters by priority, category, text, status and limit', async () => {
    const get = async (query: string) =>
      ((await as('viewer', { method: 'GET', url: `/api/inbox?source=sort&${query}` })).json().items as Array<{ item: { id: string } }>).map(
        (e) => e.item.id,
      );
    expect(await get('priority=urgent')).toEqual([ids['urgentLater'], ids['urgentSooner']]);
    expect(await get('category=billing_refund')).toEqual([ids['normalSooner']]);
    expect(await get('q=NOBODY%20answers')).toEqual([ids['urgentLater']]);
    expect(await get('q=carol')).toEqual([ids['urgentSooner']]);
    expect(await get('limit=1')).toEqual([ids['urgentLater']]);
    expect(await get('brand=other')).toEqual([]);
    // Posted items are closed: not in the default view, listed when asked for.
    const history = async (query: string) =>
      ((await as('viewer', { method: 'GET', url: `/api/inbox?source=history${query}` })).json().items as unknown[]).length;
    expect(await history('')).toBe(0);
    expect(await history('&status=posted')).toBe(1);
    expect(await history('&status=all')).toBe(1);
  });

  it('shows an item with triage reasons, author history and audit', async () => {
    const res = await as('viewer', { method: 'GET', url: `/api/items/${ids['normal']}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.item.id).toBe(ids['normal']);
    expect(body.triage.reasons).toEqual(['negative sentiment', 'repeat contact (2 posts this week)']);
    expect(body.author.profile).toMatchObject({ handle: 'alice', mentions: 2, followers: 1200 });
    const history = body.author.history as Array<{ kind: string; id: string; text?: string; url?: string }>;
    expect(history.map((h) => h.kind).sort()).toEqual(['mention', 'mention', 'reply']);
    expect(history.find((h) => h.kind === 'mention' && h.id === ids['earlier'])?.text).toBe('earlier complaint about lost bags');
    const reply = history.find((h) => h.kind === 'reply');
    expect(reply).toMatchObject({
      id: ids['earlier'],
      text: 'Hi alice, sorry about that. We are looking into it.',
      url: 'https://social.example/@AcmeAir/999',
    });
    expect(body.audit.map((a: { action: string }) => a.action)).toContain('inbox.created');
  });

  it('returns a post containing <script> as JSON data, never as HTML', async () => {
    const res = await as('viewer', { method: 'GET', url: `/api/items/${ids['normal']}` });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-security-policy']).toBe(CSP);
    expect(res.json().mention.text).toBe(SCRIPT_TEXT);
    const page = await t.server.inject({ method: 'GET', url: '/' });
    expect(page.body).not.toContain('pwned');
  });
});

describe('sources, audit and dead letters', () => {
  it('lists configured sources with their state but without the cursor', async () => {
    await recordPollSuccess(t.app.ctx.db, 'feed', { cursor: '{"offset":10,"line":2,"size":10}', items: 2 });
    const res = await as('viewer', { method: 'GET', url: '/api/sources' });
    expect(res.statusCode).toBe(200);
    const [feed] = res.json().sources;
    expect(feed).toMatchObject({ id: 'feed', kind: 'file', brand: 'acme', enabled: true, interval: 30_000 });
    expect(feed.state).toMatchObject({ healthy: true, errorStreak: 0 });
    expect(feed.state).not.toHaveProperty('cursor');
  });

  it('reads the audit trail for one item', async () => {
    const id = await freshItem();
    await as('responder', { method: 'POST', url: `/api/items/${id}/assign`, payload: { assignee: 'approver' } });
    const res = await as('approver', { method: 'GET', url: `/api/audit?itemId=${id}&limit=10` });
    expect(res.statusCode).toBe(200);
    const entries = res.json().entries as Array<{ action: string; actor: string; itemId: string }>;
    expect(entries.every((e) => e.itemId === id)).toBe(true);
    expect(entries[0]).toMatchObject({ action: 'item.assigned', actor: 'responder' });
  });
});

describe('probes and static files', () => {
  it('answers /healthz and /readyz without auth', async () => {
    const health = await t.server.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({
      ok: true,
      store: { name: 'redis', embedded: false, state: 'up' },
      database: { name: 'postgres', embedded: false, state: 'up' },
    });
    const ready = await t.server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
  });

  it('reports not ready when Redis does not answer in time', async () => {
    const stuck = { ping: () => new Promise(() => {}) } as unknown as Redis;
    const other = await buildServer({ ...t.app.ctx, redis: stuck });
    try {
      const res = await other.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ ok: false });
    } finally {
      await other.close();
    }
  });

  it('serves the web inbox with the security headers', async () => {
    const page = await t.server.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toBe(CSP);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain('<script src="/app.js"');
    const js = await t.server.inject({ method: 'GET', url: '/app.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.body).not.toMatch(/innerHTML\s*=/);
    const css = await t.server.inject({ method: 'GET', url: '/app.css' });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(page.body).toContain('<link rel="icon" href="/favicon.svg"');
    for (const url of ['/favicon.svg', '/favicon.ico']) {
      const icon = await t.server.inject({ method: 'GET', url });
      expect(icon.statusCode, url).toBe(200);
      expect(icon.headers['content-type']).toBe('image/svg+xml');
      expect(icon.body).toMatch(/^<svg /);
    }
    const missing = await t.server.inject({ method: 'GET', url: '/../package.json' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-security-policy']).toBe(CSP);
  });
});
