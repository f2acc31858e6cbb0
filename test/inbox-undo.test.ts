import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { APPROVABLE, commitApproval } from '../src/inbox/actions.js';
import { sweepOutbox } from '../src/publish/outbox.js';
import { publishItem } from '../src/publish/publish.js';
import { itemAudit } from '../src/store/audit.js';
import { getItem, transition } from '../src/store/inbox.js';
import { unsentOutbox } from '../src/store/outbox.js';
import { FakeMastodon } from './fakes/mastodon.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { seedMention } from './helpers/seed.js';
import { waitFor } from './helpers/wait.js';
import { startAllWorkers } from './helpers/workers.js';
import { present } from './helpers/present.js';

type Role = keyof typeof TOKENS;

/**
 * The undo window: an approval's publish job waits inbox.undoSeconds and can be cancelled until
 * the job claims the item. Real PostgreSQL, redis-server, BullMQ workers and a fake Mastodon.
 */
describe('approve with an undo window', () => {
  let fake: FakeMastodon;
  let app: TestApp;
  let server: FastifyInstance;
  let workers: { close(): Promise<void> };
  let n = 0;

  beforeAll(async () => {
    fake = await FakeMastodon.start({ token: 'fake-token' });
    app = await testApp({
      sources: [{ id: 'masto', kind: 'mastodon', brand: 'acme', interval: '1h', options: { instance: fake.url, token: 'fake-token' } }],
      approval: { approverRequiredWhen: {} },
      inbox: { undoSeconds: 30, replyLimits: { masto: 60 } },
    });
    server = await buildServer(app.ctx);
    workers = startAllWorkers(app.ctx);
  });

  afterAll(async () => {
    await workers.close();
    await server.close();
    await app.close();
    await fake.close();
  });

  async function newItem(): Promise<{ id: string; statusId: string }> {
    n += 1;
    const status = fake.status({ text: `@AcmeAir bag ${n} lost`, acct: `undo${n}@social.example` });
    const mention = await seedMention(app.ctx, { nativeId: status.id, sourceId: 'masto', author: `undo${n}` });
    return { id: mention.id, statusId: status.id };
  }

  function call(role: Role, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
    return server.inject({
      method,
      url,
      headers: { authorization: `Bearer ${TOKENS[role]}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  }

  it('approve waits, undo puts the item back with its draft, and nothing is posted', async () => {
    const { id, statusId } = await newItem();
    const before = present(await getItem(app.ctx.db, id));
    const approved = await call('responder', 'POST', `/api/items/${id}/approve`, { draftVersion: 1 });
    expect(approved.statusCode).toBe(200);
    const item = approved.json().item;
    expect(item.status).toBe('approved');
    expect(item.sendAt).toBeGreaterThan(Date.now() + 20_000);
    const jobId = `publish-${id}-v1-a1`;
    expect(await (await app.ctx.queues.publish.getJob(jobId))?.getState()).toBe('delayed');

    const undone = await call('responder', 'POST', `/api/items/${id}/undo`);
    expect(undone.statusCode).toBe(200);
    expect(undone.json().item).toMatchObject({ status: 'new', draft: before.draft, draftVersion: 1, approvedBy: null, sendAt: null });
    expect(await app.ctx.queues.publish.getJob(jobId)).toBeUndefined();
    expect(await unsentOutbox(app.ctx.db, { jobIds: [jobId] })).toEqual([]);
    const audit = await itemAudit(app.ctx.db, present(await getItem(app.ctx.db, id)));
    expect(audit.map((a) => a.action)).toContain('item.approval_undone');
    expect(fake.replies.filter((r) => r.inReplyToId === statusId)).toEqual([]);
  });

  it('an undone approval returns to assigned, and a second undo is refused', async () => {
    const { id } = await newItem();
    await call('responder', 'POST', `/api/items/${id}/assign`, { assignee: 'approver' });
    await call('approver', 'POST', `/api/items/${id}/approve`, { draftVersion: 1 });
    expect((await call('approver', 'POST', `/api/items/${id}/undo`)).json().item).toMatchObject({
      status: 'assigned',
      assignee: 'approver',
    });
    const again = await call('approver', 'POST', `/api/items/${id}/undo`);
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain('nothing to undo');
  });

  it('the job of an undone approval posts nothing, even when it runs while the item is approved again', async () => {
    const { id, statusId } = await newItem();
    await call('responder', 'POST', `/api/items/${id}/approve`, { draftVersion: 1 });
    await call('responder', 'POST', `/api/items/${id}/undo`);
    await call('responder', 'POST', `/api/items/${id}/approve`, { draftVersion: 1 });
    // The first approval's job, as if it had been left in the queue and ran now.
    expect(await publishItem(app.ctx, { itemId: id, draftVersion: 1, approval: 1 }, false)).toBe('superseded');
    expect((await getItem(app.ctx.db, id))?.status).toBe('approved');
    expect(fake.replies.filter((r) => r.inReplyToId === statusId)).toEqual([]);
  });

  it('too late to undo once the job has claimed the item', async () => {
    const { id } = await newItem();
    await call('responder', 'POST', `/api/items/${id}/approve`, { draftVersion: 1 });
    // What the publish job does first when it runs.
    expect(
      (await transition(app.ctx, id, { from: ['approved'], set: { status: 'publishing' }, actor: 'earshot', action: 'publish.started' }))
        .ok,
    ).toBe(true);
    const late = await call('responder', 'POST', `/api/items/${id}/undo`);
    expect(late.statusCode).toBe(409);
    expect(late.json().message).toContain('too late to undo');
    expect((await getItem(app.ctx.db, id))?.status).toBe('publishing');
  });

  it('a job queued late by the outbox sweep still waits out the window', async () => {
    const { id } = await newItem();

    const jobId = await commitApproval(
      app.ctx,
      { name: 'approver', role: 'approver' },
      present(await getItem(app.ctx.db, id)),
      1,
      APPROVABLE,
    );
    expect(await sweepOutbox(app.ctx, Date.now() + 10_000)).toBe(1);
    expect(await (await app.ctx.queues.publish.getJob(jobId))?.getState()).toBe('delayed');
  });

  it('a reply over the platform limit cannot be approved, and says by how much', async () => {
    const { id } = await newItem();
    const item = present(await getItem(app.ctx.db, id));
    await call('responder', 'PUT', `/api/items/${id}/draft`, { text: 'x'.repeat(70), draftVersion: item.draftVersion });
    const refused = await call('responder', 'POST', `/api/items/${id}/approve`, { draftVersion: 2 });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().message).toMatch(/over its limit of 60.*shorten it by \d+/);
    const preview = (await call('viewer', 'POST', `/api/items/${id}/preview`, { text: 'Thanks!' })).json();
    expect(preview).toMatchObject({ text: `@undo${n} Thanks!`, limit: 60, over: false });
  });

  it('a rejected item can be reopened (audited); a viewer cannot', async () => {
    const { id } = await newItem();
    await call('responder', 'POST', `/api/items/${id}/reject`, { reason: 'spam' });
    expect((await call('viewer', 'POST', `/api/items/${id}/reopen`)).statusCode).toBe(403);
    const reopened = await call('responder', 'POST', `/api/items/${id}/reopen`);
    expect(reopened.json().item).toMatchObject({ status: 'new', rejectReason: null });
    const audit = await itemAudit(app.ctx.db, present(await getItem(app.ctx.db, id)));
    expect(audit.find((a) => a.action === 'item.reopened')?.detail).toEqual({ rejectReason: 'spam' });
    expect((await call('responder', 'POST', `/api/items/${id}/reopen`)).statusCode).toBe(409);
  });

  it('after the window the reply is posted once', async () => {
    const { id, statusId } = await newItem();
    await call('responder', 'POST', `/api/items/${id}/approve`, { draftVersion: 1 });
    const job = await app.ctx.queues.publish.getJob(`publish-${id}-v1-a1`);
    await present(job).promote();
    await waitFor('posted', async () => (await getItem(app.ctx.db, id))?.status === 'posted');
    expect(fake.replies.filter((r) => r.inReplyToId === statusId)).toHaveLength(1);
  });
});
