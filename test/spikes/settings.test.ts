import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSpikes } from '../../src/alerts/spikes/sweep.js';
import { FakeSlack } from '../fakes/slack.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { background, feed, MIN, post, storm, T0 } from './fixtures.js';
import { nth, present } from '../helpers/present.js';

/** T0 is midnight UTC; the night is quiet until 00:15. */
const QUIET = { timezone: 'UTC', start: '22:00', end: '00:15' };

async function scenario(slack: FakeSlack, spikes: Record<string, unknown>): Promise<TestApp> {
  const app = await testApp({ chat: [{ id: 'care', kind: 'slack', webhookUrl: slack.url }], spikes: { minAuthors: 8, ...spikes } });
  await feed(app.ctx, background(T0, 30));
  return app;
}

describe('spike alerts in quiet hours', () => {
  let slack: FakeSlack;
  const apps: TestApp[] = [];
  beforeAll(async () => {
    slack = await new FakeSlack().start();
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await slack.close();
  });

  it('hold a minor spike until the hours end, then send it if it is still open', async () => {
    const app = await scenario(slack, { quietHours: QUIET });
    apps.push(app);
    const before = slack.posts.length;
    await feed(app.ctx, storm(T0, 24, 14, 24, 'minor'));
    const opened = nth(await sweepSpikes(app.ctx, T0 + 10 * MIN), 0);
    expect(opened.action).toBe('opened');
    expect(present(opened.spike).severity).toBe('minor');
    expect(slack.posts.length).toBe(before);
    // 00:20: the quiet hours are over and the storm is still on.
    const later = nth(await sweepSpikes(app.ctx, T0 + 20 * MIN), 0);
    expect(present(later.spike).status).toBe('open');
    expect(slack.posts.length).toBe(before + 1);
    expect(JSON.stringify(present(slack.posts.at(-1)).body)).toContain('Acme Air');
  });

  it('page at once for a critical spike, quiet hours or not', async () => {
    const app = await scenario(slack, { quietHours: QUIET });
    apps.push(app);
    const before = slack.posts.length;
    await feed(app.ctx, storm(T0, 120, 80, 20, 'crit'));
    const opened = nth(await sweepSpikes(app.ctx, T0 + 10 * MIN), 0);
    expect(present(opened.spike).severity).toBe('critical');
    expect(slack.posts.length).toBe(before + 1);
  });
});

describe('per-brand spike settings', () => {
  it("a brand's own minimum of authors and sensitivity override the defaults", async () => {
    const slack = await new FakeSlack().start();
    const strict = await scenario(slack, { brands: { acme: { minAuthors: 30 } } });
    const deaf = await scenario(slack, { brands: { acme: { sensitivity: 20 } } });
    const plain = await scenario(slack, {});
    try {
      const results = [];
      for (const app of [strict, deaf, plain]) {
        // Neutral questions: a rise in volume and in a few words, not a negative storm (whose z runs far higher).
        await feed(
          app.ctx,
          Array.from({ length: 16 }, (_, i) =>
            post(`q${i}`, `asker${i}`, 'is the lounge wifi password new today?', T0 + i * 30_000, 'neutral', 'question'),
          ),
        );
        results.push(nth(await sweepSpikes(app.ctx, T0 + 10 * MIN), 0).action);
      }
      // 16 authors, below acme's own 30; a volume z near 7, inside what sensitivity 20 allows.
      expect(results).toEqual(['none', 'none', 'opened']);
    } finally {
      await Promise.all([strict.close(), deaf.close(), plain.close()]);
      await slack.close();
    }
  });
});
