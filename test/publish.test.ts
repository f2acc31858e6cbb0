import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { approveItem, rejectItem, resendItem } from '../src/inbox/actions.js';
import { pollSource } from '../src/listen/poll.js';
import { readAudit } from '../src/store/audit.js';
import { getItem, getItems, listItemIds, type InboxItem, type ItemStatus } from '../src/store/inbox.js';
import { FakeMastodon } from './fakes/mastodon.js';
import { testApp, type TestApp } from './helpers/app.js';
import { drained } from './helpers/jobs.js';
import { waitFor } from './helpers/wait.js';
import { startAllWorkers } from './helpers/workers.js';

const approver = { name: 'approver', role: 'approver' as const };

describe('publish: exactly once, and unknown outcomes go to a human', () => {
  let fake: FakeMastodon;
  let app: TestApp;
  let workers: { close(): Promise<void> };
  let n = 0;

  beforeAll(async () => {
    fake = await FakeMastodon.start({ token: 'fake-token' });
    app = await testApp({
      sources: [
        {
          id: 'masto',
          kind: 'mastodon',
          brand: 'acme',
          interval: '1h',
          options: { instance: fake.url, token: 'fake-token', timeoutMs: 400 },
        },
      ],
    });
    workers = startAllWorkers(app.ctx);
  });

  afterEach(() => {
    fake.replyDelayMs = 0;
  });

  afterAll(async () => {
    await workers.close();
    await app.close();
    await fake.close();
  });

  /** A fresh complaint on the fake, polled and routed into the inbox. */
  async function newItem(): Promise<InboxItem> {
    n += 1;
    const status = fake.status({
      text: `@AcmeAir my flight ${n} was cancelled and nobody answers the phone. Still waiting for a refund.`,
      acct: `person${n}@social.example`,
    });
    fake.addMention(status);
    await pollSource(app.ctx, 'masto');
    return waitFor('inbox item', async () => {
      const items = await getItems(app.ctx.db, await listItemIds(app.ctx.db, 100));
      return items.find(
        (i) =>
          i.status === 'new' && fake.replies.every((r) => r.inReplyToId !== status.id) && i.createdAt === Date.parse(status.created_at),
      );
    });
  }

  /** POSTs of a status since `from`: a retry with the same idempotency key adds a request, not a reply. */
  const postsSince = (from: number) => fake.requests.slice(from).filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses');

  const statusOf = (id: string, want: ItemStatus) =>
    waitFor(`item ${want}`, async () => {
      const item = await getItem(app.ctx.db, id);
      return item?.status === want ? item : undefined;
    });

  it('a timeout after sending marks the item "check before resending" and does not retry', async () => {
    const item = await newItem();
    fake.replyDelayMs = 1_500;
    const before = fake.replies.length;
    const requestsBefore = fake.requests.length;
    await approveItem(app.ctx, approver, item.id, { draftVersion: item.draftVersion, acknowledgeWarnings: true });
    const checked = await statusOf(item.id, 'needs_check');
    expect(checked.lastError).toMatch(/check whether the reply appeared before resending/);
    // No publish job of this item can run any more, so one request now means one request ever.
    await drained(app.ctx, 'publish', `publish-${item.id}-`);
    expect(postsSince(requestsBefore)).toHaveLength(1);
    expect(fake.replies.length).toBe(before + 1);
    expect((await getItem(app.ctx.db, item.id))?.status).toBe('needs_check');

    // A person resends: the same idempotency key makes the platform return the first reply.
    fake.replyDelayMs = 0;
    await resendItem(app.ctx, approver, item.id);
    const posted = await statusOf(item.id, 'posted');
    expect(fake.replies.length).toBe(before + 1);
    expect(posted.replyId).toBe(fake.replies.at(-1)?.id);
    const actions = (await readAudit(app.ctx.db, { itemId: item.id })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['item.approved', 'publish.needs_check', 'item.resend', 'publish.posted']));
  });

  it('a rate limit delays the reply and posts it after the reset, once', async () => {
    const item = await newItem();
    fake.rateLimitNext(1, { reset: new Date(Date.now() + 1_000), path: '/api/v1/statuses' });
    const before = fake.replies.length;
    await approveItem(app.ctx, approver, item.id, { draftVersion: item.draftVersion, acknowledgeWarnings: true });
    await statusOf(item.id, 'posted');
    expect(fake.replies.length).toBe(before + 1);
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses').slice(-2);
    expect(posts).toHaveLength(2);
  });

  it('a refusal that quotes a URL with a credential keeps the reason and loses the credential', async () => {
    const item = await newItem();
    fake.failNext(
      422,
      { error: 'Validation failed: see https://social.example/help?access_token=leaky-token-77' },
      { path: '/api/v1/statuses' },
    );
    await approveItem(app.ctx, approver, item.id, { draftVersion: item.draftVersion, acknowledgeWarnings: true });
    const failed = await statusOf(item.id, 'failed');
    expect(failed.lastError).toMatch(/Validation failed: see https:\/\/social\.example\/help\?access_token=\[redacted\]/);
    expect(JSON.stringify(await readAudit(app.ctx.db, { itemId: item.id, limit: 50 }))).not.toMatch(/leaky-token-77/);
  });

  it('a refusal by the platform fails the item with the reason, without retrying', async () => {
    const item = await newItem();
    fake.failNext(422, { error: 'Validation failed: Text character limit of 500 exceeded' }, { path: '/api/v1/statuses' });
    const requestsBefore = fake.requests.length;
    await approveItem(app.ctx, approver, item.id, { draftVersion: item.draftVersion, acknowledgeWarnings: true });
    const failed = await statusOf(item.id, 'failed');
    expect(failed.lastError).toMatch(/character limit/);
    await drained(app.ctx, 'publish', `publish-${item.id}-`);
    expect(postsSince(requestsBefore)).toHaveLength(1);
    // The person can still decide: reject it with a reason.
    expect((await rejectItem(app.ctx, approver, item.id, 'answered by phone')).status).toBe('rejected');
  });

  it('two approvals of the same draft publish once', async () => {
    const item = await newItem();
    const requestsBefore = fake.requests.length;
    const results = await Promise.allSettled([
      approveItem(app.ctx, approver, item.id, { draftVersion: item.draftVersion, acknowledgeWarnings: true }),
      approveItem(app.ctx, approver, item.id, { draftVersion: item.draftVersion, acknowledgeWarnings: true }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    await statusOf(item.id, 'posted');
    await drained(app.ctx, 'publish', `publish-${item.id}-`);
    expect(postsSince(requestsBefore)).toHaveLength(1);
    expect(fake.replies.filter((r) => r.inReplyToId !== null && r.status.includes(`person${n}@`))).toHaveLength(1);
  });
});
