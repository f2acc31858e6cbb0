import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVABLE, commitApproval } from '../src/inbox/actions.js';
import { relayOutbox, sweepOutbox } from '../src/publish/outbox.js';
import { pollSource } from '../src/listen/poll.js';
import { getItem, getItems, listItemIds, type InboxItem } from '../src/store/inbox.js';
import { unsentOutbox } from '../src/store/outbox.js';
import { FakeMastodon } from './fakes/mastodon.js';
import { testApp, type TestApp } from './helpers/app.js';
import { waitFor } from './helpers/wait.js';
import { startAllWorkers } from './helpers/workers.js';

const approver = { name: 'approver', role: 'approver' as const };

/**
 * A PostgreSQL commit and a BullMQ add are two systems: the approval writes its publish job as
 * an outbox row in the same transaction, and a crash between the commit and the enqueue must
 * neither strand the reply nor, once the row is sent again, post it twice.
 */
describe('outbox: approved replies between PostgreSQL and the queue', () => {
  let fake: FakeMastodon;
  let app: TestApp;
  let workers: { close(): Promise<void> };
  let n = 0;

  beforeAll(async () => {
    fake = await FakeMastodon.start({ token: 'fake-token' });
    app = await testApp({
      sources: [{ id: 'masto', kind: 'mastodon', brand: 'acme', interval: '1h', options: { instance: fake.url, token: 'fake-token' } }],
    });
    workers = startAllWorkers(app.ctx);
  });

  afterAll(async () => {
    await workers.close();
    await app.close();
    await fake.close();
  });

  async function newItem(): Promise<{ item: InboxItem; statusId: string }> {
    n += 1;
    const status = fake.status({
      text: `@AcmeAir flight ${n} cancelled, nobody answers, I want a refund`,
      acct: `outbox${n}@social.example`,
    });
    fake.addMention(status);
    await pollSource(app.ctx, 'masto');
    const item = await waitFor('inbox item', async () =>
      (await getItems(app.ctx.db, await listItemIds(app.ctx.db, 50))).find((i) => i.createdAt === Date.parse(status.created_at)),
    );
    return { item, statusId: status.id };
  }

  const repliesTo = (statusId: string) => fake.replies.filter((r) => r.inReplyToId === statusId).length;

  it('a crash after the commit and before the enqueue: the sweep queues the job, and the reply is posted once', async () => {
    const { item, statusId } = await newItem();
    // The process dies here: the approval is committed with its outbox row, nothing was queued.
    const jobId = await commitApproval(app.ctx, approver, item, item.draftVersion, APPROVABLE);
    expect((await getItem(app.ctx.db, item.id))?.status).toBe('approved');
    expect(await app.ctx.queues.publish.getJob(jobId)).toBeUndefined();
    expect((await unsentOutbox(app.ctx.db, { jobIds: [jobId] })).map((r) => r.jobId)).toEqual([jobId]);

    // Another process's sweep (its grace period over) finds the row and queues it.
    expect(await sweepOutbox(app.ctx, Date.now() + 60_000)).toBe(1);
    await waitFor('posted', async () => (await getItem(app.ctx.db, item.id))?.status === 'posted');
    expect(repliesTo(statusId)).toBe(1);
    expect(await unsentOutbox(app.ctx.db, { jobIds: [jobId] })).toEqual([]);
    expect(await sweepOutbox(app.ctx, Date.now() + 60_000)).toBe(0);
  });

  it('a crash after the enqueue and before the row is marked: sending it again posts nothing more', async () => {
    const { item, statusId } = await newItem();
    const jobId = await commitApproval(app.ctx, approver, item, item.draftVersion, APPROVABLE);
    // The relay queues the job; the process dies before marking the row, so the row is still unsent.
    await app.ctx.queues.publish.add('publish', { itemId: item.id, draftVersion: item.draftVersion, approval: 1 }, { jobId });
    await waitFor('posted', async () => (await getItem(app.ctx.db, item.id))?.status === 'posted');
    expect(await relayOutbox(app.ctx, [jobId])).toBe(1);
    // Whether BullMQ still holds the finished job (same id: not added) or runs it again, the item is posted already.
    await waitFor('publish job settled', async () => {
      const job = await app.ctx.queues.publish.getJob(jobId);
      return !job || (await job.isCompleted()) || (await job.isFailed());
    });
    expect(repliesTo(statusId)).toBe(1);
    expect((await getItem(app.ctx.db, item.id))?.status).toBe('posted');
  });
});
