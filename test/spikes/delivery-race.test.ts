import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverSpike } from '../../src/alerts/spike-send.js';
import { sweepSpikes } from '../../src/alerts/spikes/sweep.js';
import { flagSpike, getSpike } from '../../src/store/spikes.js';
import { FakeSlack } from '../fakes/slack.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { background, feed, MIN, storm, T0 } from './fixtures.js';
import { present } from '../helpers/present.js';

let app: TestApp;
let care: FakeSlack;
let spikeId = '';

beforeAll(async () => {
  care = await new FakeSlack().start();
  app = await testApp({
    chat: [{ id: 'care', kind: 'slack', webhookUrl: care.url, botToken: 'xoxb-test-0123456789', channel: 'C0CARE', apiUrl: care.apiUrl }],
    spikes: { destinations: ['care'] },
  });
  await feed(app.ctx, background(T0, 30));
  await feed(app.ctx, storm(T0, 60, 40, 20));
  const [result] = await sweepSpikes(app.ctx, T0 + 10 * MIN);
  spikeId = present(present(result).spike).id;
});

afterAll(async () => {
  await app?.close();
  await care?.close();
});

/** The same Redis client, except that `hook` runs just before the named script command does. */
function beforeCommand(redis: Redis, command: string, hook: () => Promise<void>): Redis {
  return new Proxy(redis, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (prop !== command) return fn.bind(target);
      return async (...args: unknown[]) => {
        await hook();
        return fn.apply(target, args);
      };
    },
  });
}

const updates = (): Array<Record<string, unknown>> => care.api.filter((c) => c.method === 'chat.update').map((c) => c.body);

describe('spike delivery', () => {
  it('delivers a revision written after the holder last read the spike and before it let go of the lease', async () => {
    expect(care.api.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    const before = updates().length;
    const at = T0 + 11 * MIN;
    let raced = false;
    // A click lands in the holder's last moment: its flag is written, its own delivery finds the lease taken.
    const redis = beforeCommand(app.ctx.redis, 'earshotLeaseRelease', async () => {
      if (raced) return;
      raced = true;
      await flagSpike(app.ctx.db, spikeId, 'acknowledged', 'ops', at);
      expect(await deliverSpike(app.ctx, present(await getSpike(app.ctx.db, spikeId)), at)).toBe(0);
    });
    const sent = await deliverSpike({ ...app.ctx, redis }, present(await getSpike(app.ctx.db, spikeId)), at);
    expect(raced).toBe(true);
    expect(sent).toBe(1);
    expect(updates()).toHaveLength(before + 1);
    expect(JSON.stringify(updates().at(-1))).toContain('acknowledged by @ops');
  });
});
