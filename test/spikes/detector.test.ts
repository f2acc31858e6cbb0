import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSpikes } from '../../src/alerts/spikes/sweep.js';
import { listSpikes } from '../../src/store/spikes.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { background, feed, HOUR, MIN, post, storm, T0 } from './fixtures.js';
import { nth, present } from '../helpers/present.js';

/** One app per scenario, each with its own database: the clock is passed in, nothing waits. */
async function scenario(overrides: Record<string, unknown> = {}): Promise<TestApp> {
  const app = await testApp({ spikes: { minAuthors: 8, cooldown: '2h', ...overrides } });
  await feed(app.ctx, background(T0, 30));
  return app;
}

describe('spike detector (fake clock)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await scenario();
  });
  afterAll(() => app.close());

  it('opens one spike for a storm from many authors, explains it, closes it when it is over, and reopens it within the cooldown', async () => {
    const { ctx } = app;
    expect(nth(await sweepSpikes(ctx, T0), 0).action).toBe('none');
    await feed(ctx, storm(T0, 60, 40, 20));
    const opened = nth(await sweepSpikes(ctx, T0 + 10 * MIN), 0);
    expect(opened.action).toBe('opened');
    const e = present(opened.spike).explanation;
    expect(
      e.terms
        .slice(0, 5)
        .map((t) => t.term)
        .join(' '),
    ).toMatch(/outage|checkin|portal/);
    expect(e.authors).toBeGreaterThanOrEqual(20);
    expect(e.posts.length).toBeGreaterThanOrEqual(3);
    expect(e.firstPost?.text).toContain('outage');
    expect(e.summary).toMatch(/usual|expected/);
    // Still storming: the same spike, updated.
    expect(nth(await sweepSpikes(ctx, T0 + 20 * MIN), 0).action).toBe('updated');
    // Quiet for more than half an hour after the last unusual window: back to normal.
    const quiet = await sweepSpikes(ctx, T0 + 4 * HOUR);
    expect(nth(quiet, 0).action).toBe('closed');
    // A flare-up within the cooldown reopens that spike: one alert, not a second.
    await feed(ctx, storm(T0 + 4 * HOUR + 30 * MIN, 60, 40, 20, 'again'));
    const again = nth(await sweepSpikes(ctx, T0 + 4 * HOUR + 45 * MIN), 0);
    expect(again.action).toBe('reopened');
    expect(present(again.spike).id).toBe(present(opened.spike).id);
    expect(await listSpikes(ctx.db, { limit: 10 })).toHaveLength(1);
  });
});

describe('one author is not a crisis', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await scenario();
  });
  afterAll(() => app.close());

  it('fifty posts by one account in twenty minutes raise no spike', async () => {
    const rant = Array.from({ length: 50 }, (_, i) =>
      post(`rant${i}`, 'angry', `my voucher code was rejected again #${i}`, T0 + i * 24_000, 'negative', 'billing_refund'),
    );
    await feed(app.ctx, rant);
    const results = await sweepSpikes(app.ctx, T0 + 20 * MIN);
    expect(nth(results, 0).action).toBe('none');
    expect(await listSpikes(app.ctx.db, { limit: 10 })).toHaveLength(0);
  });

  it('the same fifty posts from fifty people do', async () => {
    const many = Array.from({ length: 50 }, (_, i) =>
      post(`many${i}`, `user${i}`, `my voucher code was rejected again #${i}`, T0 + 30 * MIN + i * 24_000, 'negative', 'billing_refund'),
    );
    await feed(app.ctx, many);
    expect(nth(await sweepSpikes(app.ctx, T0 + 50 * MIN), 0).action).toBe('opened');
  });
});

describe('cooldown', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await scenario({ cooldown: '1h' });
  });
  afterAll(() => app.close());

  it('a storm after the cooldown has passed is a new spike', async () => {
    const { ctx } = app;
    await feed(ctx, storm(T0, 60, 40, 20));
    const first = nth(await sweepSpikes(ctx, T0 + 15 * MIN), 0);
    expect(nth(await sweepSpikes(ctx, T0 + 4 * HOUR), 0).action).toBe('closed');
    await feed(ctx, storm(T0 + 5 * HOUR + 30 * MIN, 60, 40, 20, 'later'));
    const second = nth(await sweepSpikes(ctx, T0 + 5 * HOUR + 45 * MIN), 0);
    expect(second.action).toBe('opened');
    expect(present(second.spike).id).not.toBe(present(first.spike).id);
  });
});
