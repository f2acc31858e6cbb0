import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { readAudit } from '../src/store/audit.js';
import { getItems } from '../src/store/inbox.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { seedItems } from './helpers/queue-seed.js';
import { nth } from './helpers/present.js';

let app: TestApp;
let server: FastifyInstance;

/** The fields these tests read from the inbox, bulk and saved-view answers. */
interface Answer {
  done: number;
  failed: number;
  total: number;
  results: Array<{ id: string; ok: boolean; status?: string }>;
  items: Array<{ item: { id: string } }>;
  view: unknown;
  views: Array<{ id: string; name: string }>;
}

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, role: keyof typeof TOKENS, payload?: unknown) {
  const res = await server.inject({
    method,
    url,
    headers: { authorization: `Bearer ${TOKENS[role]}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return { status: res.statusCode, body: res.json() as Answer };
}

const statuses = async (ids: string[]) => Object.fromEntries((await getItems(app.ctx.db, ids)).map((i) => [i.id, i.status]));

beforeAll(async () => {
  app = await testApp();
  server = await buildServer(app.ctx);
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

describe('bulk actions', () => {
  it('rejects many at once, answers per item (a posted one and a missing one refused), one audit entry per item', async () => {
    await seedItems(app.ctx.db, [
      { id: 'b1', sourceId: 'bulk' },
      { id: 'b2', sourceId: 'bulk' },
      { id: 'b3', sourceId: 'bulk', status: 'posted' },
      { id: 'b4', sourceId: 'bulk', status: 'assigned' },
    ]);
    const res = await call('POST', '/api/items/bulk', 'responder', {
      action: 'reject',
      ids: ['b1', 'b2', 'b3', 'b4', 'nope'],
      reason: 'off topic',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ done: 3, failed: 2 });
    expect(res.body['results']).toEqual([
      { id: 'b1', ok: true, status: 'rejected' },
      { id: 'b2', ok: true, status: 'rejected' },
      { id: 'b3', ok: false, code: 409, error: 'cannot reject an item that is posted' },
      { id: 'b4', ok: true, status: 'rejected' },
      { id: 'nope', ok: false, code: 404, error: 'no inbox item nope' },
    ]);
    expect(await statuses(['b1', 'b2', 'b3', 'b4'])).toEqual({ b1: 'rejected', b2: 'rejected', b3: 'posted', b4: 'rejected' });
    const audit = await readAudit(app.ctx.db, { action: 'item.rejected' });
    expect(audit.map((a) => a.itemId).sort()).toEqual(['b1', 'b2', 'b4']);
    expect(audit[0]?.detail).toMatchObject({ reason: 'off topic', bulk: true });
  });

  it('checks the role: a viewer changes nothing; a reject without a reason or a snooze in the past is refused whole', async () => {
    await seedItems(app.ctx.db, [{ id: 'v1', sourceId: 'role' }]);
    expect((await call('POST', '/api/items/bulk', 'viewer', { action: 'spam', ids: ['v1'] })).status).toBe(403);
    expect((await call('POST', '/api/items/bulk', 'responder', { action: 'reject', ids: ['v1'] })).status).toBe(422);
    expect(
      (
        await call('POST', '/api/items/bulk', 'responder', {
          action: 'snooze',
          ids: ['v1'],
          until: new Date(Date.now() - 1000).toISOString(),
        })
      ).status,
    ).toBe(422);
    expect((await call('POST', '/api/items/bulk', 'responder', { action: 'assign', ids: ['v1'], assignee: 'nobody' })).status).toBe(422);
    expect(await statuses(['v1'])).toEqual({ v1: 'new' });
  });

  it('spam leaves the open queue, is listed under status=spam, and "not spam" puts it back as it was', async () => {
    await seedItems(app.ctx.db, [
      { id: 's1', sourceId: 'spam' },
      { id: 's2', sourceId: 'spam' },
    ]);
    expect(
      (await call('POST', '/api/items/bulk', 'responder', { action: 'assign', ids: ['s2'], assignee: 'approver' })).body['results'][0],
    ).toMatchObject({ ok: true, status: 'assigned' });
    expect((await call('POST', '/api/items/bulk', 'responder', { action: 'spam', ids: ['s1', 's2'] })).body).toMatchObject({ done: 2 });
    expect((await call('GET', '/api/inbox?source=spam', 'viewer')).body['total']).toBe(0);
    expect((await call('GET', '/api/inbox?source=spam&status=spam', 'viewer')).body['total']).toBe(2);
    const back = await call('POST', '/api/items/bulk', 'responder', { action: 'unspam', ids: ['s1', 's2'] });
    expect(back.body['results']).toEqual([
      { id: 's1', ok: true, status: 'new' },
      { id: 's2', ok: true, status: 'assigned' },
    ]);
    expect((await call('GET', '/api/inbox?source=spam', 'viewer')).body['total']).toBe(2);
    expect((await readAudit(app.ctx.db, { action: 'item.spam' })).length).toBe(2);
  });

  it('similar: true acts on the open items grouped under the ones named', async () => {
    await seedItems(app.ctx.db, [
      { id: 'g-lead', sourceId: 'grp', dupKey: 'k' },
      { id: 'g-1', sourceId: 'grp', dupKey: 'k', dupOf: 'g-lead' },
      { id: 'g-2', sourceId: 'grp', dupKey: 'k', dupOf: 'g-lead' },
      { id: 'g-other', sourceId: 'grp' },
    ]);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const res = await call('POST', '/api/items/bulk', 'responder', { action: 'snooze', ids: ['g-lead'], similar: true, until });
    expect(res.body['results'].map((r) => r.id).sort()).toEqual(['g-1', 'g-2', 'g-lead']);
    expect((await call('GET', '/api/inbox?source=grp', 'viewer')).body['items'].map((e) => e.item.id)).toEqual(['g-other']);
  });
});

describe('saved views', () => {
  it('are per person: saved by name (saving again replaces), listed, deleted only by their owner', async () => {
    const saved = await call('POST', '/api/views', 'responder', {
      name: 'Urgent refunds',
      filters: { priority: 'urgent', category: 'billing_refund', q: '' },
    });
    expect(saved.status).toBe(200);
    expect(saved.body['view']).toMatchObject({ name: 'Urgent refunds', filters: { priority: 'urgent', category: 'billing_refund' } });
    await call('POST', '/api/views', 'responder', { name: 'Urgent refunds', filters: { priority: 'urgent' } });
    const mine = await call('GET', '/api/views', 'responder');
    expect(mine.body['views']).toEqual([expect.objectContaining({ name: 'Urgent refunds', filters: { priority: 'urgent' } })]);
    expect((await call('GET', '/api/views', 'viewer')).body['views']).toEqual([]);
    const id = nth(mine.body['views'], 0).id;
    expect((await call('DELETE', `/api/views/${id}`, 'viewer')).status).toBe(404);
    expect((await call('POST', '/api/views', 'responder', { name: 'x', filters: { evil: '1' } })).status).toBe(400);
    expect((await call('DELETE', `/api/views/${id}`, 'responder')).status).toBe(200);
    expect((await call('GET', '/api/views', 'responder')).body['views']).toEqual([]);
  });
});
