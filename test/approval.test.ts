import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveItem, editDraft, snoozeItem, type Actor } from '../src/inbox/actions.js';
import { itemAudit, readAudit } from '../src/store/audit.js';
import { getItem } from '../src/store/inbox.js';
import { testApp, type TestApp } from './helpers/app.js';
import { seedMention } from './helpers/seed.js';
import { listInbox } from '../src/api/routes-inbox.js';

const responder: Actor = { name: 'responder', role: 'responder' };
const approver: Actor = { name: 'approver', role: 'approver' };
const admin: Actor = { name: 'admin', role: 'admin' };
let n = 0;
const nextId = () => `pol-${++n}`;

async function publishJobs(app: TestApp, itemId: string) {
  const jobs = await app.ctx.queues.publish.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
  return jobs.filter((j) => (j.data as { itemId?: string }).itemId === itemId);
}

describe('approval policy', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp({
      approval: { approverRequiredWhen: { followersAbove: 10_000, categories: ['billing_refund'], edited: true, priority: 'urgent' } },
    });
  });
  afterAll(async () => app?.close());

  it('lets a responder approve when no rule matches', async () => {
    const m = await seedMention(app.ctx, { nativeId: nextId(), followers: 50 });
    const item = await approveItem(app.ctx, responder, m.id, { draftVersion: 1 });
    expect(item).toMatchObject({ status: 'approved', approvedBy: 'responder' });
    expect(await publishJobs(app, m.id)).toHaveLength(1);
  });

  it('refuses a responder with 403 naming the rule, and lets an approver through', async () => {
    const cases = [
      { seed: { followers: 250_000 }, rule: /250000 followers, more than 10000 \(approval\.approverRequiredWhen\.followersAbove\)/ },
      { seed: { category: 'billing_refund' as const }, rule: /category is "billing_refund"/ },
      { seed: { priority: 'urgent' as const }, rule: /urgent \(approval\.approverRequiredWhen\.priority\)/ },
    ];
    for (const c of cases) {
      const m = await seedMention(app.ctx, { nativeId: nextId(), ...c.seed });
      const refused = approveItem(app.ctx, responder, m.id, { draftVersion: 1 });
      await expect(refused).rejects.toMatchObject({ status: 403, message: expect.stringMatching(c.rule) });
      expect((await getItem(app.ctx.db, m.id))?.status).toBe('new');
      expect(await approveItem(app.ctx, approver, m.id, { draftVersion: 1 })).toMatchObject({ status: 'approved' });
    }
  });

  it('needs an approver once the draft was edited', async () => {
    const m = await seedMention(app.ctx, { nativeId: nextId() });
    await editDraft(app.ctx, responder, m.id, 'Hi, we are on it.', 1);
    await expect(approveItem(app.ctx, responder, m.id, { draftVersion: 2 })).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/edited/),
    });
  });
});

describe('default policy and two approvals', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp({ approval: { approverRequiredWhen: {}, twoApprovals: true } });
  });
  afterAll(async () => app?.close());

  it('without an approval section every approval needs an approver', async () => {
    const other = await testApp();
    try {
      expect(other.config.approval).toEqual({ approverRequiredWhen: { always: true }, twoApprovals: false });
      const m = await seedMention(other.ctx, { nativeId: nextId() });
      await expect(approveItem(other.ctx, responder, m.id, { draftVersion: 1 })).rejects.toMatchObject({ status: 403 });
    } finally {
      await other.close();
    }
  });

  it('records the first approval, refuses the same person twice, publishes on a second person', async () => {
    const m = await seedMention(app.ctx, { nativeId: nextId() });
    const first = await approveItem(app.ctx, responder, m.id, { draftVersion: 1 });
    expect(first).toMatchObject({ status: 'awaiting_second', firstApprovedBy: 'responder', firstApprovedVersion: 1, approvedBy: null });
    expect(await publishJobs(app, m.id)).toHaveLength(0);
    await expect(approveItem(app.ctx, responder, m.id, { draftVersion: 1 })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/someone else/),
    });
    const second = await approveItem(app.ctx, approver, m.id, { draftVersion: 1 });
    expect(second).toMatchObject({ status: 'approved', approvedBy: 'approver' });
    expect(await publishJobs(app, m.id)).toHaveLength(1);
    const audit = (await itemAudit(app.ctx.db, second)).map((a) => `${a.action}:${a.actor}`);
    expect(audit).toEqual(['item.approved:approver', 'item.approved_first:responder', 'inbox.created:earshot']);
  });

  it('an edit after the first approval withdraws it', async () => {
    const m = await seedMention(app.ctx, { nativeId: nextId() });
    await approveItem(app.ctx, responder, m.id, { draftVersion: 1 });
    const edited = await editDraft(app.ctx, admin, m.id, 'Better words.', 1);
    expect(edited).toMatchObject({ status: 'new', firstApprovedBy: null, draftVersion: 2 });
    // The next approval is a first one again, even from someone else.
    expect(await approveItem(app.ctx, approver, m.id, { draftVersion: 2 })).toMatchObject({
      status: 'awaiting_second',
      firstApprovedBy: 'approver',
    });
  });
});

describe('snooze', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => app?.close());

  const listed = async (snoozed?: '1') => {
    const filter = {
      status: ['new' as const],
      limit: 100,
      snoozed,
      brand: undefined,
      source: undefined,
      category: undefined,
      assignee: undefined,
      q: undefined,
      priority: undefined,
    };
    return (await listInbox(app.ctx, filter)).map((e) => e.item.id);
  };

  it('hides an item from the default queue until its time, keeps its status, and is audited', async () => {
    let now = Date.now();
    app.ctx.now = () => now;
    try {
      const m = await seedMention(app.ctx, { nativeId: nextId() });
      const until = now + 1200;
      const item = await snoozeItem(app.ctx, responder, m.id, until);
      expect(item).toMatchObject({ status: 'new', snoozedUntil: until });
      expect(await listed()).not.toContain(m.id);
      expect(await listed('1')).toContain(m.id);
      const audit = await readAudit(app.ctx.db, { itemId: m.id, limit: 1 });
      expect(audit[0]).toMatchObject({ action: 'item.snoozed', actor: 'responder' });
      now += 1199;
      expect(await listed()).not.toContain(m.id);
      now += 1;
      expect(await listed()).toContain(m.id);
    } finally {
      app.ctx.now = Date.now;
    }
  });

  it('wakes an item on request, refuses viewers and times in the past', async () => {
    const m = await seedMention(app.ctx, { nativeId: nextId() });
    await snoozeItem(app.ctx, responder, m.id, Date.now() + 3_600_000);
    expect(await snoozeItem(app.ctx, responder, m.id, null)).toMatchObject({ snoozedUntil: null });
    await expect(snoozeItem(app.ctx, { name: 'viewer', role: 'viewer' }, m.id, Date.now() + 60_000)).rejects.toMatchObject({ status: 403 });
    await expect(snoozeItem(app.ctx, responder, m.id, Date.now() - 1)).rejects.toMatchObject({ status: 422 });
  });
});
