import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMention, type Mention } from '../../src/mention.js';
import { triageBatch } from '../../src/route/triage-batch.js';
import { bucketOf, recordForSpikes, type Scored } from '../../src/alerts/spikes/record.js';
import { brandCounts, termCounts } from '../../src/store/spike-counts.js';
import { ingestMentions } from '../../src/store/mentions.js';
import { testApp, testPrefix, type TestApp } from '../helpers/app.js';
import { post } from './fixtures.js';
import { nth } from '../helpers/present.js';

const AT = Date.parse('2026-03-02T10:00:00Z');

function mention(n: number, text: string): Mention {
  const built = toMention({
    platform: 'mastodon',
    sourceId: n % 2 ? 'src-a' : 'src-b',
    brandId: 'acme',
    nativeId: `c${n}`,
    url: `https://social.example/@p${n}/${n}`,
    text,
    lang: 'en',
    // All in one five-minute bucket, so every batch adds to the same rows.
    createdAt: new Date(AT + n * 100).toISOString(),
    author: { id: `p${n}`, handle: `p${n}`, name: `P ${n}`, followers: 10, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: { statusId: `c${n}` },
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

const TEXTS = [
  '@AcmeAir the app outage again, check-in portal down',
  'outage at the gate, boarding passes will not print',
  'lovely crew on the morning flight',
];

async function totals(app: TestApp): Promise<{ brand: number; sources: number; categories: number; outage: number; portal: number }> {
  const rows = await brandCounts(app.ctx.db, 'acme', bucketOf(AT), AT + 3_600_000);
  const sum = (dim: string): number => rows.filter((r) => r.dim === dim).reduce((a, r) => a + r.n, 0);
  const terms = await termCounts(app.ctx.db, 'acme', ['outage', 'checkin portal'], bucketOf(AT), AT + 3_600_000);
  return {
    brand: sum('brand'),
    sources: sum('source'),
    categories: sum('category'),
    outage: terms.get('outage') ?? 0,
    portal: terms.get('checkin portal') ?? 0,
  };
}

/** Two worker processes (two contexts, two pools) on one database, as `earshot-workers@N` runs them. */
describe('spike counting', () => {
  const prefix = testPrefix();
  let one: TestApp;
  let two: TestApp;
  const mentions = Array.from({ length: 1200 }, (_, n) => mention(n, nth(TEXTS, n % 3)));
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
    await Promise.all(
      [one, two].map(async (app, w) => {
        for (const batch of batches.filter((_, i) => i % 2 === w)) await triageBatch(app.ctx, batch);
      }),
    );
    expect(await totals(one)).toEqual({ brand: 1200, sources: 1200, categories: 1200, outage: 800, portal: 400 });
  });

  it('counts nothing twice when a triage job runs again (a worker killed after counting)', async () => {
    await Promise.all([
      triageBatch(one.ctx, nth(batches, 0)),
      triageBatch(two.ctx, nth(batches, 3)),
      triageBatch(one.ctx, [...nth(batches, 1), ...nth(batches, 2)]),
    ]);
    expect(await totals(two)).toEqual({ brand: 1200, sources: 1200, categories: 1200, outage: 800, portal: 400 });
  });
});

/** Job `j`'s posts, all in bucket `j` so that each write's rows are its own. */
function job(j: number, size = 20): Scored[] {
  return Array.from({ length: size }, (_, i) => post(`j${j}-${i}`, `a${i}`, `gate change ${j}, boarding late`, AT + j * 5 * 60_000 + i));
}

describe('spike counting in one process', () => {
  let app: TestApp;
  const brands = (): Map<string, never> => new Map(app.ctx.config.brands.map((b) => [b.id, b as never]));
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(() => app.close());

  it('jobs that count at the same time share one write, and the sums are exact', async () => {
    // The first job writes at once; the five that finish while it is on its way go in one write.
    await Promise.all([0, 1, 2, 3, 4, 5].map((j) => recordForSpikes(app.ctx.db, brands(), job(j))));
    const { rows } = await app.ctx.db.query<{ writes: number; n: number }>(
      "SELECT count(DISTINCT xmin::text)::int AS writes, sum(n)::int AS n FROM spike_counts WHERE brand_id = 'acme' AND dim = 'brand'",
    );
    expect(rows[0]).toEqual({ writes: 2, n: 120 });
    const late = await termCounts(app.ctx.db, 'acme', ['boarding late', 'gate change'], bucketOf(AT), AT + 3_600_000);
    expect(Object.fromEntries(late)).toEqual({ 'boarding late': 120, 'gate change': 120 });
  });

  it('a failed write fails every job that shared it, writes none of them, and the next write goes through', async () => {
    await app.ctx.db.query('ALTER TABLE spike_terms RENAME TO spike_terms_away');
    const failed = await Promise.allSettled([10, 11, 12].map((j) => recordForSpikes(app.ctx.db, brands(), job(j))));
    await app.ctx.db.query('ALTER TABLE spike_terms_away RENAME TO spike_terms');
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await recordForSpikes(app.ctx.db, brands(), job(13));
    const counts = await brandCounts(app.ctx.db, 'acme', bucketOf(AT + 10 * 5 * 60_000), AT + 14 * 5 * 60_000);
    expect(counts.filter((r) => r.dim === 'brand').map((r) => [(r.bucket - bucketOf(AT)) / (5 * 60_000), r.n])).toEqual([[13, 20]]);
  });
});
