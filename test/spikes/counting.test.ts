import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMention, type Mention } from '../../src/mention.js';
import { triageBatch } from '../../src/pipeline/triage-batch.js';
import { bucketOf } from '../../src/spikes/record.js';
import { brandCounts, termCounts } from '../../src/store/spike-counts.js';
import { ingestMentions } from '../../src/store/mentions.js';
import { testApp, testPrefix, type TestApp } from '../helpers/app.js';

const AT = Date.parse('2026-03-02T10:00:00Z');

function mention(n: number, text: string): Mention {
  const built = toMention({
    platform: 'mastodon', sourceId: n % 2 ? 'src-a' : 'src-b', brandId: 'acme', nativeId: `c${n}`, url: `https://social.example/@p${n}/${n}`, text, lang: 'en',
    // All in one five-minute bucket, so every batch adds to the same rows.
    createdAt: new Date(AT + n * 100).toISOString(), author: { id: `p${n}`, handle: `p${n}`, name: `P ${n}`, followers: 10, url: null },
    inReplyToId: null, engagement: { replies: 0, reposts: 0, likes: 0 }, rating: null, replyRef: { statusId: `c${n}` },
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

const TEXTS = ['@AcmeAir the app outage again, check-in portal down', 'outage at the gate, boarding passes will not print', 'lovely crew on the morning flight'];

async function totals(app: TestApp): Promise<{ brand: number; sources: number; categories: number; outage: number; portal: number }> {
  const rows = await brandCounts(app.ctx.db, 'acme', bucketOf(AT), AT + 3_600_000);
  const sum = (dim: string): number => rows.filter((r) => r.dim === dim).reduce((a, r) => a + r.n, 0);
  const terms = await termCounts(app.ctx.db, 'acme', ['outage', 'checkin portal'], bucketOf(AT), AT + 3_600_000);
  return { brand: sum('brand'), sources: sum('source'), categories: sum('category'), outage: terms.get('outage') ?? 0, portal: terms.get('checkin portal') ?? 0 };
}

/** Two worker processes (two contexts, two pools) on one database, as `earshot-workers@N` runs them. */
describe('spike counting', () => {
  const prefix = testPrefix();
  let one: TestApp;
  let two: TestApp;
  const mentions = Array.from({ length: 1200 }, (_, n) => mention(n, TEXTS[n % 3]!));
  const ids = mentions.map((m) => m.id);
  const batches = Array.from({ length: 6 }, (_, i) => ids.slice(i * 200, i * 200 + 200));

  beforeAll(async () => {
    one = await testApp({}, prefix);
    two = await testApp({}, prefix);
    await ingestMentions(one.ctx.db, mentions);
  });
  afterAll(async () => {
    await one.close();
    await two.close();
  });

  it('adds up exactly when two workers count batches of the same bucket at the same time', async () => {
    await Promise.all([one, two].map(async (app, w) => {
      for (const batch of batches.filter((_, i) => i % 2 === w)) await triageBatch(app.ctx, batch);
    }));
    expect(await totals(one)).toEqual({ brand: 1200, sources: 1200, categories: 1200, outage: 800, portal: 400 });
  });

  it('counts nothing twice when a triage job runs again (a worker killed after counting)', async () => {
    await Promise.all([triageBatch(one.ctx, batches[0]!), triageBatch(two.ctx, batches[3]!), triageBatch(one.ctx, [...batches[1]!, ...batches[2]!])]);
    expect(await totals(two)).toEqual({ brand: 1200, sources: 1200, categories: 1200, outage: 800, portal: 400 });
  });
});
