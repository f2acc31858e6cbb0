import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { triageBatch } from '../../src/route/triage-batch.js';
import { sweepSpikes } from '../../src/alerts/spikes/sweep.js';
import { ingestMentions } from '../../src/store/mentions.js';
import { testApp, TOKENS, type TestApp } from '../helpers/app.js';
import { background, feed, MIN, post } from './fixtures.js';
import { present } from '../helpers/present.js';

/** The storm goes through the triage job, so its posts are routed into the inbox as items. */
describe("a spike's open items", () => {
  let app: TestApp;
  let server: FastifyInstance;
  let spikeId = '';
  const now = Date.now();
  beforeAll(async () => {
    app = await testApp({ spikes: { minAuthors: 8 } });
    await feed(app.ctx, background(now - 30 * MIN, 30));
    const storm = Array.from(
      { length: 60 },
      (_, i) =>
        post(
          `it${i}`,
          `flyer${i % 45}`,
          i === 7 ? '@AcmeAir checkin down <b>again</b> & the app outage' : `@AcmeAir the app outage again, checkin down for everyone ${i}`,
          now - 20 * MIN + i * 15_000,
        ).mention,
    );
    await ingestMentions(app.ctx.db, storm);
    for (let i = 0; i < storm.length; i += 30)
      await triageBatch(
        app.ctx,
        storm.slice(i, i + 30).map((m) => m.id),
      );
    const [r] = await sweepSpikes(app.ctx, now);
    spikeId = present(present(r).spike).id;
    server = await buildServer(app.ctx);
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
  });

  it('come with what each says, so the page can list them by text rather than by id', async () => {
    const res = await server.inject({
      method: 'GET',
      url: `/api/spikes/${spikeId}`,
      headers: { authorization: `Bearer ${TOKENS.viewer}` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ items: string[]; previews: Array<{ id: string; text: string }> }>();
    expect(body.items.length).toBeGreaterThanOrEqual(20);
    expect(body.previews.map((p) => p.id)).toEqual(body.items.slice(0, 50));
    expect(body.previews.every((p) => p.text.includes('checkin down'))).toBe(true);
    // As written: the page puts it in as text, so the markup is shown, never run.
    expect(body.previews.map((p) => p.text)).toContain('@AcmeAir checkin down <b>again</b> & the app outage');
  });
});
