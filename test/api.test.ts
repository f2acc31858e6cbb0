import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { toMention, type Mention } from '../src/mention.js';
import { recordReplySent } from '../src/store/authors.js';
import { createItems, getItem, transition, type Priority } from '../src/store/inbox.js';
import { ingestMentions, saveTriage } from '../src/store/mentions.js';
import { recordPollSuccess } from '../src/store/sources.js';
import type { TriageResult } from '../src/triage-types.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';

type Role = keyof typeof TOKENS;

const HOUR = 3_600_000;
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const SCRIPT_TEXT = 'Your app ate my booking <script>alert("pwned")</script> @AcmeAir';

let app: TestApp;
let server: FastifyInstance;

interface SeedOptions {
  nativeId: string;
  text: string;
  priority: Priority;
  urgency: number;
  slaInMs: number;
  sourceId: string;
  author?: string;
  category?: TriageResult['category'];
  createdAt?: string;
  reasons?: string[];
  item?: boolean;
}

/** Stores a mention, its triage and (unless item: false) its inbox item through the real store functions. */
async function seed(o: SeedOptions): Promise<Mention> {
  const author = o.author ?? 'someone';
  const built = toMention({
    platform: 'mastodon',
    sourceId: o.sourceId,
    brandId: 'acme',
    nativeId: o.nativeId,
    url: `https://social.example/@${author}/${o.nativeId}`,
    text: o.text,
    lang: 'en',
    createdAt: o.createdAt ?? new Date().toISOString(),
    author: { id: `id-${author}`, handle: author, name: `${author} name`, followers: 1200, url: `https://social.example/@${author}` },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: { statusId: o.nativeId },
  });
  if (!built.ok) throw new Error(built.reason);
  const { mention } = built;
  const { ctx } = app;
  const category = o.category ?? 'other';
  const triage: TriageResult = {
    sentiment: 'negative',
    score: -0.6,
    sentimentConfidence: 0.8,
    complaint: true,
    complaintProbability: 0.9,
    category,
    question: false,
    language: 'en',
    urgency: o.urgency,
    reasons: o.reasons ?? ['complaint about the service'],
  };
  await ingestMentions(ctx.db, [mention]);
  await saveTriage(ctx.db, [{ id: mention.id, triage }]);
  if (o.item === false) return mention;
  await createItems(ctx, [
    {
      id: mention.id,
      brandId: 'acme',
      sourceId: o.sourceId,
      platform: 'mastodon',
      priority: o.priority,
      urgency: o.urgency,
      category,
      sentiment: 'negative',
      createdAt: Date.parse(mention.createdAt),
      slaDueAt: Date.now() + o.slaInMs,
      draft: `Hi ${author}, sorry about that. We are looking into it.`,
      draftTemplate: 'default',
      draftWarnings: [],
    },
  ]);
  return mention;
}

function as(role: Role | null, opts: InjectOptions): Promise<LightMyRequestResponse> {
  const headers = { ...(opts.headers ?? {}), ...(role ? { authorization: `Bearer ${TOKENS[role]}` } : {}) };
  return server.inject({ ...opts, headers });
}

async function publishJobsFor(itemId: string) {
  const jobs = await app.ctx.queues.publish.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
  return jobs.filter((j) => (j.data as { itemId?: string }).itemId === itemId);
}

/** One item per mutation test, so tests do not depend on each other's order. */
let counter = 0;
async function freshItem(): Promise<string> {
  counter += 1;
  const m = await seed({
    nativeId: `act-${counter}`,
    text: `delayed again ${counter}`,
    priority: 'normal',
    urgency: 40,
    slaInMs: 5 * HOUR,
    sourceId: 'act',
  });
  return m.id;
}

/** A file source's path must exist; this source is listed, never polled. */
function emptyFeedFile(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'earshot-api-')), 'mentions.jsonl');
  writeFileSync(file, '');
  return file;
}

beforeAll(async () => {
  app = await testApp({
    sources: [{ id: 'feed', kind: 'file', brand: 'acme', interval: '30s', options: { path: emptyFeedFile() } }],
  });
  server = await buildServer(app.ctx);
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

describe('authentication', () => {
  const routes: InjectOptions[] = [
    { method: 'GET', url: '/api/me' },
    { method: 'GET', url: '/api/inbox' },
    { method: 'GET', url: '/api/items/m_0123456789012345678901' },
    { method: 'PUT', url: '/api/items/m_0123456789012345678901/draft', payload: { text: 'x', draftVersion: 1 } },
    { method: 'POST', url: '/api/items/m_0123456789012345678901/approve', payload: { draftVersion: 1 } },
    { method: 'POST', url: '/api/items/m_0123456789012345678901/reject', payload: { reason: 'spam' } },
    { method: 'POST', url: '/api/items/m_0123456789012345678901/assign', payload: { assignee: null } },
    { method: 'POST', url: '/api/items/m_0123456789012345678901/resend' },
    { method: 'GET', url: '/api/audit' },
    { method: 'GET', url: '/api/dead-letters' },
    { method: 'GET', url: '/api/sources' },
  ];

  it('answers 401 with WWW-Authenticate on every /api route without a token', async () => {
    for (const route of routes) {
      const res = await as(null, route);
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toMatchObject({ error: 'unauthorized' });
    }
  });

  it('answers 401 for an unknown token and a malformed header', async () => {
    for (const authorization of ['Bearer not-a-real-token-at-all', 'Basic dmlld2VyOnRva2Vu', TOKENS.admin]) {
      const res = await server.inject({ method: 'GET', url: '/api/me', headers: { authorization } });
      expect(res.statusCode).toBe(401);
    }
  });

  it('tells each user who they are', async () => {
    for (const role of Object.keys(TOKENS) as Role[]) {
      const res = await as(role, { method: 'GET', url: '/api/me' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ name: role, role });
    }
  });

  it('keeps admin routes to the roles that may use them', async () => {
    expect((await as('responder', { method: 'GET', url: '/api/audit' })).statusCode).toBe(403);
    expect((await as('approver', { method: 'GET', url: '/api/audit' })).statusCode).toBe(200);
    const dl = await as('approver', { method: 'GET', url: '/api/dead-letters' });
    expect(dl.statusCode).toBe(403);
    expect(dl.json().message).toMatch(/admin/);
    expect((await as('admin', { method: 'GET', url: '/api/dead-letters' })).statusCode).toBe(200);
  });
});

describe('approving', () => {
  it('refuses a viewer with 403 and changes nothing', async () => {
    const id = await freshItem();
    const res = await as('viewer', { method: 'POST', url: `/api/items/${id}/approve`, payload: { draftVersion: 1 } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'forbidden' });
    expect(res.json().message).toMatch(/approver/);
    const item = await getItem(app.ctx.db, id);
    expect(item).toMatchObject({ status: 'new', draftVersion: 1, approvedBy: null });
    expect(await publishJobsFor(id)).toHaveLength(0);
  });

  it('refuses a responder with 403', async () => {
    const id = await freshItem();
    const res = await as('responder', { method: 'POST', url: `/api/items/${id}/approve`, payload: { draftVersion: 1 } });
    expect(res.statusCode).toBe(403);
    expect((await getItem(app.ctx.db, id))?.status).toBe('new');
  });

  it('lets an approver approve, and queues the publish job', async () => {
    const id = await freshItem();
    const res = await as('approver', { method: 'POST', url: `/api/items/${id}/approve`, payload: { draftVersion: 1 } });
    expect(res.statusCode).toBe(200);
    expect(res.json().item).toMatchObject({ id, status: 'approved', approvedBy: 'approver' });
    const jobs = await publishJobsFor(id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.data).toMatchObject({ itemId: id, draftVersion: 1, approval: 1 });
  });

  it('answers 409 for a stale draftVersion', async () => {
    const id = await freshItem();
    const res = await as('approver', { method: 'POST', url: `/api/items/${id}/approve`, payload: { draftVersion: 7 } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'conflict' });
    expect(await publishJobsFor(id)).toHaveLength(0);
  });

  it('answers 409 when the draft was edited after it was loaded', async () => {
    const id = await freshItem();
    const edit = await as('responder', {
      method: 'PUT',
      url: `/api/items/${id}/draft`,
      payload: { text: 'Hi, we are on it. Sorry!', draftVersion: 1 },
    });
    expect(edit.statusCode).toBe(200);
    expect(edit.json().item).toMatchObject({ draft: 'Hi, we are on it. Sorry!', draftVersion: 2, draftEdited: true });
    const res = await as('approver', { method: 'POST', url: `/api/items/${id}/approve`, payload: { draftVersion: 1 } });
    expect(res.statusCode).toBe(409);
    expect((await getItem(app.ctx.db, id))?.status).toBe('new');
  });
});

describe('other actions', () => {
  it('assigns, rejects with a reason and ignores unknown fields', async () => {
    const id = await freshItem();
    const assign = await as('responder', { method: 'POST', url: `/api/items/${id}/assign`, payload: { assignee: 'responder' } });
    expect(assign.statusCode).toBe(200);
    expect(assign.json().item).toMatchObject({ status: 'assigned', assignee: 'responder' });
    const reject = await as('responder', {
      method: 'POST',
      url: `/api/items/${id}/reject`,
      payload: { reason: 'spam', note: 'extra field' },
    });
    expect(reject.statusCode).toBe(200);
    expect(reject.json().item).toMatchObject({ status: 'rejected', rejectReason: 'spam' });
  });

  it('answers 404 for an item that does not exist', async () => {
    const res = await as('viewer', { method: 'GET', url: '/api/items/m_0123456789012345678901' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found' });
  });

  it('only resends items that need a check', async () => {
    const id = await freshItem();
    const res = await as('approver', { method: 'POST', url: `/api/items/${id}/resend` });
    expect(res.statusCode).toBe(409);
  });
});

describe('input validation', () => {
  it('rejects a non-integer draftVersion, naming the field', async () => {
    const id = await freshItem();
    for (const draftVersion of [1.5, '1', null]) {
      const res = await as('approver', { method: 'POST', url: `/api/items/${id}/approve`, payload: { draftVersion } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'bad_request' });
      expect(res.json().message).toMatch(/^draftVersion: /);
    }
    expect((await getItem(app.ctx.db, id))?.status).toBe('new');
  });

  it('rejects an empty reason and an empty draft', async () => {
    const id = await freshItem();
    const reject = await as('responder', { method: 'POST', url: `/api/items/${id}/reject`, payload: { reason: '' } });
    expect(reject.statusCode).toBe(400);
    expect(reject.json().message).toMatch(/reason/);
    const draft = await as('responder', { method: 'PUT', url: `/api/items/${id}/draft`, payload: { text: '', draftVersion: 1 } });
    expect(draft.statusCode).toBe(400);
    expect(draft.json().message).toMatch(/text/);
  });

  it('rejects a bad item id, a bad query and a non-JSON body', async () => {
    expect((await as('viewer', { method: 'GET', url: '/api/items/..%2F..%2Fetc' })).statusCode).toBe(400);
    const limit = await as('viewer', { method: 'GET', url: '/api/inbox?limit=9999' });
    expect(limit.statusCode).toBe(400);
    expect(limit.json().message).toMatch(/^limit: /);
    const status = await as('viewer', { method: 'GET', url: '/api/inbox?status=bogus' });
    expect(status.statusCode).toBe(400);
    const broken = await as('responder', {
      method: 'POST',
      url: '/api/items/m_0123456789012345678901/reject',
      headers: { 'content-type': 'application/json' },
      payload: '{"reason":',
    });
    expect(broken.statusCode).toBe(400);
  });

  it('answers 413 for an oversized body', async () => {
    const id = await freshItem();
    const res = await as('responder', {
      method: 'PUT',
      url: `/api/items/${id}/draft`,
      payload: { text: 'x'.repeat(70 * 1024), draftVersion: 1 },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'payload_too_large' });
  });
});

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
    await transition(app.ctx, earlier, {
      from: ['new'],
      set: { status: 'posted', replyUrl: 'https://social.example/@AcmeAir/999', postedAt: Date.now() },
      actor: 'test',
      action: 'item.posted',
    });
    await recordReplySent(app.ctx.db, { platform: 'mastodon', authorId: 'id-alice' }, earlier, Date.now() - 86_400_000);
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
    const page = await server.inject({ method: 'GET', url: '/' });
    expect(page.body).not.toContain('pwned');
  });
});

describe('sources, audit and dead letters', () => {
  it('lists configured sources with their state but without the cursor', async () => {
    await recordPollSuccess(app.ctx.db, 'feed', { cursor: '{"offset":10,"line":2,"size":10}', items: 2 });
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
    const health = await server.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({
      ok: true,
      store: { name: 'redis', embedded: false, state: 'up' },
      database: { name: 'postgres', embedded: false, state: 'up' },
    });
    const ready = await server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
  });

  it('reports not ready when Redis does not answer in time', async () => {
    const stuck = { ping: () => new Promise(() => {}) } as unknown as Redis;
    const other = await buildServer({ ...app.ctx, redis: stuck });
    try {
      const res = await other.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ ok: false });
    } finally {
      await other.close();
    }
  });

  it('serves the web inbox with the security headers', async () => {
    const page = await server.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toBe(CSP);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain('<script src="/app.js"');
    const js = await server.inject({ method: 'GET', url: '/app.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.body).not.toMatch(/innerHTML\s*=/);
    const css = await server.inject({ method: 'GET', url: '/app.css' });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    const missing = await server.inject({ method: 'GET', url: '/../package.json' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-security-policy']).toBe(CSP);
  });
});
