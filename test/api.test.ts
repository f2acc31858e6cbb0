import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { getItem } from '../src/store/inbox.js';
import { TOKENS } from './helpers/app.js';
import { useApiServer, type Role } from './helpers/api-server.js';

const t = useApiServer();
const { as, freshItem, publishJobsFor } = t;

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
      const res = await t.server.inject({ method: 'GET', url: '/api/me', headers: { authorization } });
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
    const item = await getItem(t.app.ctx.db, id);
    expect(item).toMatchObject({ status: 'new', draftVersion: 1, approvedBy: null });
    expect(await publishJobsFor(id)).toHaveLength(0);
  });

  it('refuses a responder with 403', async () => {
    const id = await freshItem();
    const res = await as('responder', { method: 'POST', url: `/api/items/${id}/approve`, payload: { draftVersion: 1 } });
    expect(res.statusCode).toBe(403);
    expect((await getItem(t.app.ctx.db, id))?.status).toBe('new');
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
    expect((await getItem(t.app.ctx.db, id))?.status).toBe('new');
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
    expect((await getItem(t.app.ctx.db, id))?.status).toBe('new');
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
