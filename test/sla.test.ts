import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../src/http/errors.js';
import { routeBatch } from '../src/route/route.js';
import { checkSla, slaTimes, sweepSla, type SlaCheck } from '../src/alerts/sla.js';
import { getItem, transition } from '../src/store/inbox.js';
import { pendingReminder } from '../src/store/sla-reminders.js';
import { FakeSlack } from './fakes/slack.js';
import { storeTriagedMention } from './helpers/chat-seed.js';
import { testApp, type TestApp } from './helpers/app.js';
import { present } from './helpers/present.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** A Monday, 10:00 UTC: the fake clock's start. */
const T0 = Date.UTC(2030, 0, 7, 10, 0);
const BERLIN_HOURS = { timezone: 'Europe/Berlin', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };

let app: TestApp;
let care: FakeSlack;
let managers: FakeSlack;
let counter = 0;

beforeAll(async () => {
  [care, managers] = await Promise.all([new FakeSlack().start(), new FakeSlack().start()]);
  app = await testApp({
    chat: [
      { id: 'care', kind: 'slack', webhookUrl: care.url },
      // minUrgency 100 keeps routine alerts and warnings out of the manager channel; breaches still arrive.
      { id: 'managers', kind: 'slack', webhookUrl: managers.url, minUrgency: 100 },
    ],
    sla: { urgent: '1h', normal: '24h', warnAt: 0.75, escalateTo: 'managers' },
  });
});

afterAll(async () => {
  await app?.close();
  await Promise.all([care?.close(), managers?.close()]);
});

/** When the reminder for `stage` of `id` is due, as stored on the item for the sweep. */
async function dueAt(ctx: TestApp['ctx'], stage: 'warn' | 'breach', id: string): Promise<number | null> {
  const next = await pendingReminder(ctx.db, id);
  return next?.stage === stage ? next.at : null;
}

/** Routes a fresh urgent mention with the clock at `now`, and returns its item id and SLA reminders. */
async function routed(now: number, urgency = 80, postedAgo = 0): Promise<{ id: string; warn: SlaCheck; breach: SlaCheck }> {
  counter += 1;
  const mention = await storeTriagedMention(app.ctx, {
    nativeId: `sla-${counter}`,
    text: `still waiting for my refund ${counter}`,
    urgency,
    createdAt: now - postedAgo,
  });
  await routeBatch(app.ctx, [mention.id], () => now);
  // The breach check is scheduled when the warning is handled, for the item's due time.
  const [warnAt, breachAt] = await Promise.all([
    dueAt(app.ctx, 'warn', mention.id),
    getItem(app.ctx.db, mention.id).then((i) => i?.slaDueAt ?? null),
  ]);
  if (warnAt === null || breachAt === null) throw new Error('SLA reminders were not scheduled');
  return {
    id: mention.id,
    warn: { itemId: mention.id, stage: 'warn', at: warnAt },
    breach: { itemId: mention.id, stage: 'breach', at: breachAt },
  };
}

const data = (check: SlaCheck) => check;
const texts = (slack: FakeSlack) => slack.posts.map((p) => p.body.text ?? '');

describe('SLA reminders with a fake clock', () => {
  it('schedules the warning at 75 % and the breach at 100 % of the target, once per item', async () => {
    const { id, warn, breach } = await routed(T0);
    expect((await getItem(app.ctx.db, id))?.slaDueAt).toBe(T0 + HOUR);
    expect(warn).toEqual({ itemId: id, stage: 'warn', at: T0 + 45 * MIN });
    expect(breach).toEqual({ itemId: id, stage: 'breach', at: T0 + HOUR });
    // Routing the same mention again creates no second item and does not move its reminders.
    await routeBatch(app.ctx, [id], () => T0 + MIN);
    expect(await pendingReminder(app.ctx.db, id)).toEqual({ itemId: id, stage: 'warn', at: T0 + 45 * MIN });
    // Nothing in Redis grows with the open items.
    expect(await app.ctx.redis.exists(app.ctx.keys.slaDue)).toBe(0);
  });

  it('the sweep sends what is due, once, and leaves the rest for later', async () => {
    await app.ctx.db.query('UPDATE inbox_items SET sla_remind_at = NULL'); // the other tests check reminders directly and leave theirs
    const { id } = await routed(T0 + 10 * HOUR);
    const before = care.posts.length;
    await sweepSla(app.ctx, () => T0 + 10 * HOUR + 30 * MIN);
    expect(care.posts.length).toBe(before);
    await sweepSla(app.ctx, () => T0 + 10 * HOUR + 46 * MIN);
    expect(care.posts.filter((p) => p.raw.includes('SLA warning')).length).toBeGreaterThan(0);
    const afterWarn = care.posts.length;
    await sweepSla(app.ctx, () => T0 + 10 * HOUR + 50 * MIN);
    expect(care.posts.length).toBe(afterWarn);
    expect(await dueAt(app.ctx, 'warn', id)).toBeNull();
    expect(await dueAt(app.ctx, 'breach', id)).toBe(T0 + 11 * HOUR);
    // The breach check is the last one, sent or not (here the item is still open: sent to the managers).
    await sweepSla(app.ctx, () => T0 + 11 * HOUR + MIN);
    expect(await pendingReminder(app.ctx.db, id)).toBeNull();
  });

  it('moves reminders an earlier version kept in Redis onto their items, and sends them when due', async () => {
    await app.ctx.db.query('UPDATE inbox_items SET sla_remind_at = NULL');
    const { id } = await routed(T0 + 20 * HOUR);
    const { id: other } = await routed(T0 + 20 * HOUR);
    await app.ctx.db.query('UPDATE inbox_items SET sla_remind_at = NULL WHERE id = ANY($1)', [[id, other]]);
    await app.ctx.redis.zadd(app.ctx.keys.slaDue, T0 + 20 * HOUR + 45 * MIN, `warn|${id}`, T0 + 21 * HOUR, `breach|${other}`);
    const before = care.posts.length;
    await sweepSla(app.ctx, () => T0 + 20 * HOUR + 30 * MIN);
    expect(await app.ctx.redis.exists(app.ctx.keys.slaDue)).toBe(0);
    expect(await pendingReminder(app.ctx.db, id)).toEqual({ itemId: id, stage: 'warn', at: T0 + 20 * HOUR + 45 * MIN });
    expect(await pendingReminder(app.ctx.db, other)).toEqual({ itemId: other, stage: 'breach', at: T0 + 21 * HOUR });
    expect(care.posts.length).toBe(before);
    await sweepSla(app.ctx, () => T0 + 20 * HOUR + 46 * MIN);
    expect(care.posts.filter((p) => p.raw.includes('SLA warning')).length).toBeGreaterThan(0);
  });

  it('warns the usual channel once, then escalates the breach to the manager once', async () => {
    const { warn, breach } = await routed(T0);
    const [careBefore, managersBefore] = [care.posts.length, managers.posts.length];
    expect(await checkSla(app.ctx, data(warn), () => data(warn).at)).toEqual({ outcome: 'sent', stage: 'warn', destinations: ['care'] });
    expect(await checkSla(app.ctx, data(warn), () => data(warn).at + MIN)).toEqual({ outcome: 'sent', stage: 'warn', destinations: [] });
    expect(care.posts).toHaveLength(careBefore + 1);
    expect(texts(care).at(-1)).toMatch(/^SLA warning: due 2030-01-07 11:00Z/);

    expect(await checkSla(app.ctx, data(breach), () => data(breach).at)).toEqual({
      outcome: 'sent',
      stage: 'breach',
      destinations: ['managers'],
    });
    await checkSla(app.ctx, data(breach), () => data(breach).at + 5 * MIN);
    expect(managers.posts).toHaveLength(managersBefore + 1);
    expect(texts(managers).at(-1)).toMatch(/^SLA breached/);
    expect(care.posts).toHaveLength(careBefore + 1);
  });

  it('stays silent for an item answered before the reminder is due', async () => {
    const { id, warn, breach } = await routed(T0);
    const res = await transition(app.ctx, id, {
      from: ['new'],
      set: { status: 'posted', postedAt: T0 + 10 * MIN },
      actor: 'earshot',
      action: 'reply.posted',
    });
    expect(res.ok).toBe(true);
    const [careBefore, managersBefore] = [care.posts.length, managers.posts.length];
    expect(await checkSla(app.ctx, data(warn), () => data(warn).at)).toEqual({ outcome: 'answered' });
    expect(await checkSla(app.ctx, data(breach), () => data(breach).at)).toEqual({ outcome: 'answered' });
    expect([care.posts.length, managers.posts.length]).toEqual([careBefore, managersBefore]);
  });

  it('counts from when the post was made: a post found late is warned about at once', async () => {
    // Posted 50 minutes before Earshot saw it: the 45-minute warning is already due, the breach in 10 minutes.
    const { id, warn } = await routed(T0, 80, 50 * MIN);
    expect((await getItem(app.ctx.db, id))?.slaDueAt).toBe(T0 + 10 * MIN);
    expect(warn.at).toBe(T0);
  });

  it('a post older than its SLA is breached on arrival, with no reminder to flood chat', async () => {
    // The demo's 9-day-old post used to read "56m left" because the clock started when Earshot saw it.
    const { id } = await storeTriagedMention(app.ctx, {
      nativeId: 'sla-old',
      text: 'nine days and no answer about my refund',
      urgency: 80,
      createdAt: T0 - 9 * 24 * HOUR,
    });
    await routeBatch(app.ctx, [id], () => T0);
    const item = await getItem(app.ctx.db, id);
    expect(item?.slaDueAt).toBe(T0 - 9 * 24 * HOUR + HOUR);
    expect(present(item).slaDueAt).toBeLessThan(T0);
    expect(await dueAt(app.ctx, 'warn', id)).toBeNull();
    expect(await dueAt(app.ctx, 'breach', id)).toBeNull();
  });

  it('a post dated in the future (a clock ahead of ours) counts from now', async () => {
    const { id } = await storeTriagedMention(app.ctx, {
      nativeId: 'sla-future',
      text: 'refund please, still waiting',
      urgency: 80,
      createdAt: T0 + 30 * MIN,
    });
    await routeBatch(app.ctx, [id], () => T0);
    expect((await getItem(app.ctx.db, id))?.slaDueAt).toBe(T0 + HOUR);
  });

  it('a check that runs early waits for its time instead of alerting', async () => {
    const { warn } = await routed(T0);
    const err = await checkSla(app.ctx, data(warn), () => data(warn).at - 10 * MIN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAt.getTime()).toBe(data(warn).at);
  });
});

describe('business hours', () => {
  const sla = (extra: Record<string, unknown> = {}) => ({
    urgent: HOUR,
    normal: 24 * HOUR,
    warnAt: 0.75,
    businessHours: { ...BERLIN_HOURS, appliesTo: ['urgent', 'normal'] as Array<'urgent' | 'normal'> },
    ...extra,
  });

  it('moves the due time past the evening and the weekend', () => {
    // Friday 16:30 in Berlin (UTC+1): 30 minutes left on Friday, the rest from Monday 09:00.
    const friday = Date.UTC(2030, 0, 4, 15, 30);
    expect(new Date(slaTimes(sla(), 'urgent', friday).dueAt).toISOString()).toBe('2030-01-07T08:30:00.000Z');
    expect(new Date(slaTimes(sla(), 'urgent', friday).warnAt).toISOString()).toBe('2030-01-07T08:15:00.000Z');
    // 24 business hours: 0.5 h Friday + 8 h Monday + 8 h Tuesday + 7.5 h Wednesday.
    expect(new Date(slaTimes(sla(), 'normal', friday).dueAt).toISOString()).toBe('2030-01-09T15:30:00.000Z');
    // Posted on Saturday: the clock starts on Monday at 09:00.
    expect(new Date(slaTimes(sla(), 'urgent', Date.UTC(2030, 0, 5, 11, 0)).dueAt).toISOString()).toBe('2030-01-07T09:00:00.000Z');
  });

  it('follows the zone across a daylight-saving change', () => {
    // Friday 29 March 2030, 16:30 CET; summer time starts on Sunday, so Monday 09:30 is 07:30 UTC.
    expect(new Date(slaTimes(sla(), 'urgent', Date.UTC(2030, 2, 29, 15, 30)).dueAt).toISOString()).toBe('2030-04-01T07:30:00.000Z');
  });

  it('applies only to the priorities listed, and the route step uses it', async () => {
    const friday = Date.UTC(2030, 0, 4, 15, 30);
    const onlyNormal = sla({ businessHours: { ...BERLIN_HOURS, appliesTo: ['normal'] } });
    expect(slaTimes(onlyNormal, 'urgent', friday).dueAt).toBe(friday + HOUR);
    const hours = await testApp({ sla: { urgent: '1h', normal: '24h', businessHours: BERLIN_HOURS } });
    try {
      const mention = await storeTriagedMention(hours.ctx, {
        nativeId: 'bh-1',
        text: 'my flight got cancelled',
        urgency: 80,
        createdAt: friday,
      });
      await routeBatch(hours.ctx, [mention.id], () => friday);
      expect((await getItem(hours.ctx.db, mention.id))?.slaDueAt).toBe(Date.UTC(2030, 0, 7, 8, 30));
      expect(await dueAt(hours.ctx, 'warn', mention.id)).toBe(Date.UTC(2030, 0, 7, 8, 15));
    } finally {
      await hours.close();
    }
  });
});
