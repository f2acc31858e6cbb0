import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSpikes } from '../../src/alerts/spikes/sweep.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { background, feed, MIN, post, storm, T0 } from './fixtures.js';
import { present } from '../helpers/present.js';

describe('a spike explanation', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp({ spikes: { minAuthors: 8 } });
    await feed(app.ctx, background(T0, 30));
    // Two hours before the storm, one ordinary post uses its words: it is not where the storm began.
    await feed(app.ctx, [post('early', 'curious', 'was the checkin portal outage last week fixed?', T0 - 2 * 60 * MIN)]);
    const copies = storm(T0, 60, 40, 20);
    const own = [
      post('own1', 'ana', 'Checkin portal down at the airport, queue to the door', T0 + 3 * MIN, 'negative', 'product_defect_outage'),
      post('own2', 'ben', 'the app outage again?? cannot get a boarding pass', T0 + 4 * MIN, 'negative', 'product_defect_outage'),
    ];
    await feed(app.ctx, [...copies, ...own]);
  });
  afterAll(() => app.close());

  it("names the storm's first post and opens the spike when the storm began, not at the start of its longest window", async () => {
    const [r] = await sweepSpikes(app.ctx, T0 + 10 * MIN);
    expect(present(r).action).toBe('opened');
    const e = present(present(r).spike).explanation;
    expect(e.window.from).toBeLessThan(T0 - 2 * 60 * MIN);
    expect(e.firstPost?.text).toBe('the app outage again, checkin portal down for everyone #0');
    expect(present(present(r).spike).startedAt).toBe(T0);
  });

  it('shows different wordings before copies of one text', async () => {
    const [r] = await sweepSpikes(app.ctx, T0 + 11 * MIN);
    const texts = present(present(r).spike).explanation.posts.map((p) => p.text.replace(/#\d+$/, ''));
    expect(texts).toEqual(
      expect.arrayContaining([
        'Checkin portal down at the airport, queue to the door',
        'the app outage again?? cannot get a boarding pass',
      ]),
    );
    expect(texts.filter((t) => t === 'the app outage again, checkin portal down for everyone ')).toHaveLength(1);
    expect(new Set(texts).size).toBe(texts.length);
  });
});
