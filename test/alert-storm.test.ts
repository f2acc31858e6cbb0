import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendAlert } from '../src/alerts/alert.js';
import { planEscalations } from '../src/alerts/alert-storm.js';
import { FakeSlack } from './fakes/slack.js';
import { testApp, type TestApp } from './helpers/app.js';
import { seedMention } from './helpers/seed.js';
import { nth, present } from './helpers/present.js';

describe('alert storms', () => {
  let app: TestApp;
  let slack: FakeSlack;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    app = await testApp({ chat: [{ id: 'slack', kind: 'slack', webhookUrl: slack.url, maxPerMinute: 3 }] });
  });

  afterAll(async () => {
    await app.close();
    await slack.close();
  });

  it('sends the most urgent one by one up to the per-minute share, and the rest as one digest', async () => {
    const urgent: Array<{ id: string; urgency: number }> = [];
    for (let i = 0; i < 12; i += 1) {
      const text = i === 0 ? 'my bag is gone <!channel> *now*' : `still waiting, case ${i}`;
      const m = await seedMention(app.ctx, { nativeId: `storm-${i}`, text, author: `person${i}`, priority: 'urgent', urgency: 70 + i });
      urgent.push({ id: m.id, urgency: 70 + i });
    }
    const now = Date.UTC(2026, 10, 24, 7, 0, 10);
    const jobs = await planEscalations(app.ctx, urgent, now);
    const singles = jobs.filter((j) => j.data.kind === 'escalation');
    expect(singles.map((j) => (j.data.kind === 'escalation' ? j.data.itemId : ''))).toEqual([
      nth(urgent, 11).id,
      nth(urgent, 10).id,
      nth(urgent, 9).id,
    ]);
    const digest = jobs.find((j) => j.data.kind === 'digest');
    expect(digest?.opts).toMatchObject({ jobId: `digest-slack-${Date.UTC(2026, 10, 24, 7, 0, 0)}`, delay: 50_000 });

    // The same minute's share is spent, across calls (and so across workers).
    const later = await planEscalations(app.ctx, [{ id: nth(urgent, 0).id, urgency: 99 }], now + 5_000);
    expect(later.map((j) => j.data.kind)).toEqual(['digest']);
    expect(later[0]?.opts.jobId).toBe(digest?.opts.jobId);

    expect(await sendAlert(app.ctx, present(digest).data)).toBe('sent');
    const [post] = await slack.waitFor(1);
    expect(post?.body.text).toBe('9 more urgent mentions · Acme Air');
    expect(post?.raw).toContain('78/100');
    expect(post?.raw).not.toContain('81/100');
    expect(post?.raw).not.toContain('<!channel>');
    expect(post?.raw).toContain('&lt;!channel&gt;');
    // Delivered once: the held list is cleared, so a re-run has nothing to send.
    expect(await app.ctx.redis.zcard(app.ctx.keys.alertHeld('slack'))).toBe(0);
    expect(await sendAlert(app.ctx, present(digest).data)).toBe('not-needed');
    expect(slack.posts).toHaveLength(1);
  });

  it('keeps only the most urgent few of a big storm in Redis, and the digest still counts them all', async () => {
    const urgent: Array<{ id: string; urgency: number }> = [];
    for (let i = 0; i < 60; i += 1) {
      const m = await seedMention(app.ctx, {
        nativeId: `big-storm-${i}`,
        text: `flight ${i} cancelled, stuck at the gate`,
        author: `traveller${i}`,
        priority: 'urgent',
        urgency: 60 + (i % 40),
      });
      urgent.push({ id: m.id, urgency: 60 + (i % 40) });
    }
    const now = Date.UTC(2026, 10, 24, 8, 0, 10);
    // Two routing batches of the same minute, as two workers would hold them.
    const jobs = [
      ...(await planEscalations(app.ctx, urgent.slice(0, 30), now)),
      ...(await planEscalations(app.ctx, urgent.slice(30), now + 1_000)),
    ];
    expect(jobs.filter((j) => j.data.kind === 'escalation')).toHaveLength(3);
    expect(await app.ctx.redis.zcard(app.ctx.keys.alertHeld('slack'))).toBe(50);
    const digest = jobs.find((j) => j.data.kind === 'digest');
    const seen = slack.posts.length;
    expect(await sendAlert(app.ctx, present(digest).data)).toBe('sent');
    const [post] = (await slack.waitFor(seen + 1)).slice(seen);
    expect(post?.body.text).toBe('57 more urgent mentions · Acme Air');
    expect(post?.raw).toContain('99/100');
    expect(
      await app.ctx.redis.exists(app.ctx.keys.alertHeld('slack'), app.ctx.keys.alertHeldCount('slack'), app.ctx.keys.alertDigest('slack')),
    ).toBe(0);
  });
});
