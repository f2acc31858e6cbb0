import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMention, type Mention } from '../src/mention.js';
import { routeStored } from '../src/route/route.js';
import { getItem } from '../src/store/inbox.js';
import { batchHistories } from '../src/store/histories.js';
import { ingestMentions, loadMentions } from '../src/store/mentions.js';
import { finishRouting } from '../src/store/routed.js';
import type { Db } from '../src/postgres/pool.js';
import type { TriageResult } from '../src/triage-types.js';
import { testApp, type TestApp } from './helpers/app.js';
import { nth } from './helpers/present.js';

let app: TestApp;

const TRIAGE: TriageResult = {
  sentiment: 'negative',
  score: -0.7,
  sentimentConfidence: 0.9,
  complaint: true,
  complaintProbability: 0.95,
  category: 'delay_cancellation',
  question: false,
  language: 'en',
  urgency: 45,
  reasons: ['complaint (95% likely)', 'strongly negative'],
};

function post(n: number): Mention {
  const built = toMention({
    platform: 'mastodon',
    sourceId: 'src',
    brandId: 'acme',
    nativeId: `r${n}`,
    url: null,
    text: `@AcmeAir flight ${n} cancelled, no answer`,
    lang: 'en',
    createdAt: new Date().toISOString(),
    author: { id: 'grumpy', handle: 'grumpy', name: 'Grumpy', followers: 5, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: { statusId: `r${n}` },
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

async function complaints(): Promise<number> {
  const { rows } = await app.ctx.db.query<{ complaints: number }>(
    `SELECT complaints FROM authors WHERE platform = 'mastodon' AND native_id = 'grumpy'`,
  );
  return rows[0]?.complaints ?? -1;
}

beforeAll(async () => {
  app = await testApp();
});

afterAll(async () => {
  await app?.close();
});

describe('the last write of routing', () => {
  it('stores the triage with the stage, and counts a complaint once however often the batch is routed', async () => {
    const mentions = [post(1), post(2)];
    await ingestMentions(app.ctx.db, mentions, new Map(mentions.map((m) => [m.id, TRIAGE])));
    const fresh = [
      ...(
        await loadMentions(
          app.ctx.db,
          mentions.map((m) => m.id),
        )
      ).values(),
    ].map((s) => ({ ...s, triage: TRIAGE }));
    expect(fresh.map((s) => s.stage)).toEqual(['triaged', 'triaged']);
    await routeStored(app.ctx, fresh);
    // A re-run of the job with what it loaded before (stage "triaged" in hand), and one that loads again.
    await routeStored(app.ctx, fresh);
    await routeStored(app.ctx, [
      ...(
        await loadMentions(
          app.ctx.db,
          mentions.map((m) => m.id),
        )
      ).values(),
    ]);
    expect(await complaints()).toBe(2);
    const stored = await loadMentions(
      app.ctx.db,
      mentions.map((m) => m.id),
    );
    for (const m of mentions) expect(stored.get(m.id)).toMatchObject({ stage: 'routed', triage: TRIAGE });
    expect(await getItem(app.ctx.db, nth(mentions, 0).id)).toMatchObject({ status: 'new', category: 'delay_cancellation' });
  });
});

/**
 * A batch's statements read the rows of its own mentions and authors through their keys, whatever
 * the planner thinks of the tables' sizes: a plan that hashes a whole table costs per batch what
 * the table holds (the bench read 1,100,000 rows of mention_triage for 20,000 posts).
 */
describe('the triage job reads only its own rows', () => {
  const SEEDED = 4_000;

  beforeAll(async () => {
    await app.ctx.db.query(`
      INSERT INTO authors (platform, native_id, handle, name) SELECT 'seed', 'a' || g, 'a' || g, 'A' FROM generate_series(1, ${SEEDED}) g;
      INSERT INTO mentions (id, platform, native_id, source_id, brand_id, author_id, created_at, stored_at, lang, text, rest)
        SELECT 'seed' || g, 'seed', 'n' || g, 'src', 'acme', 'a' || (g % ${SEEDED} + 1), g, g, 'en', 'text ' || g, '[]' FROM generate_series(1, ${SEEDED}) g;
      ANALYZE authors, mentions;`);
  });

  /** Table scans in one transaction of one connection, from PostgreSQL's per-transaction counters. */
  async function scansDuring(run: (db: Db) => Promise<unknown>): Promise<Record<string, number>> {
    const client = await app.ctx.db.connect();
    // The counters also hold this connection's earlier transactions until they are flushed, so: after minus before.
    const scans = async () => {
      const { rows } = await client.query<{ relname: string; seq_scan: number }>(
        `SELECT relname, seq_scan::int AS seq_scan FROM pg_stat_xact_user_tables WHERE relname IN ('authors', 'mentions')`,
      );
      return new Map(rows.map((r) => [r.relname, r.seq_scan]));
    };
    try {
      await client.query('BEGIN');
      const before = await scans();
      await run({ query: client.query.bind(client) } as unknown as Db);
      const after = await scans();
      return Object.fromEntries([...after].map(([table, n]) => [table, n - (before.get(table) ?? 0)]));
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  const batch = Array.from({ length: 100 }, (_, i) => post(1000 + i));

  it('routing: no scan of mentions', async () => {
    await ingestMentions(app.ctx.db, batch);
    const routed = batch.map((m) => ({ id: m.id, platform: m.platform, authorId: m.author.id, triage: TRIAGE }));
    // The complaint counts update a handful of authors, by a join the planner may hash while the table is small.
    expect(await scansDuring((db) => finishRouting(db, routed))).toMatchObject({ mentions: 0 });
  });

  it("the authors' histories: no scan of authors or mentions", async () => {
    const refs = Array.from({ length: 100 }, (_, i) => ({ platform: 'seed', authorId: `a${i * 37 + 1}`, before: 10_000 }));
    expect(await scansDuring((db) => batchHistories(db, refs))).toEqual({ authors: 0, mentions: 0 });
  });
});
