import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeScored } from '../src/listen/poll.js';
import { toMention, type Mention } from '../src/mention.js';
import { createPool, type Db } from '../src/postgres/pool.js';
import { batchJobId } from '../src/route/batch-id.js';
import { sweepPending } from '../src/route/pending.js';
import { triageBatch } from '../src/route/triage-batch.js';
import { ensureDatabase } from '../src/store/admin.js';
import { loadMentions, STAGE } from '../src/store/mentions.js';
import { migrate } from '../src/store/migrate.js';
import { MIGRATIONS } from '../src/store/sql/migrations.js';
import { testApp, type TestApp } from './helpers/app.js';
import { testDatabaseUrl } from './helpers/db.js';

/**
 * Migration 26: the triage is in the mention row from the insert, and mention_pending says what
 * is not routed yet. Routing stays once per mention, a lost job is swept back, and a store at
 * schema 25 keeps every triage value and stage.
 */
let app: TestApp;
let old: Db;

function post(n: number, author: string, text: string): Mention {
  const built = toMention({
    platform: 'mastodon',
    sourceId: 'src',
    brandId: 'acme',
    nativeId: `f${n}`,
    url: null,
    text,
    lang: 'en',
    createdAt: new Date(Date.now() - 60_000 + n).toISOString(),
    author: { id: author, handle: author, name: author, followers: 5, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: { statusId: `f${n}` },
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

const ANGRY = '@AcmeAir my bag is lost again, this is the worst airline and I want a refund now';

beforeAll(async () => {
  app = await testApp();
  const server = (await testDatabaseUrl('triage-fold-probe')).replace(/\/[^/]+$/, '/postgres');
  await ensureDatabase(server, 'earshot_triage_fold');
  old = createPool(server.replace(/\/postgres$/, '/earshot_triage_fold'), { max: 2 });
});

afterAll(async () => {
  await old?.end();
  await app?.close();
});

describe('routing once per mention', () => {
  it('counts a complaint once when two workers route the same batch at the same time', async () => {
    const batch = [post(1, 'twice', ANGRY), post(2, 'twice', `${ANGRY}!!`)];
    const ids = batch.map((m) => m.id);
    const { created } = await storeScored(app.ctx, batch);
    expect(created).toEqual(ids);
    const stored = await loadMentions(app.ctx.db, ids);
    const complaining = ids.filter((id) => stored.get(id)?.triage?.complaint).length;
    expect(complaining).toBeGreaterThan(0);
    await Promise.all([triageBatch(app.ctx, ids), triageBatch(app.ctx, ids)]);
    await triageBatch(app.ctx, ids);
    const { rows } = await app.ctx.db.query<{ complaints: number }>(`SELECT complaints FROM authors WHERE native_id = 'twice'`);
    expect(rows[0]?.complaints).toBe(complaining);
    expect([...(await loadMentions(app.ctx.db, ids)).values()].map((s) => s.stage)).toEqual(['routed', 'routed']);
    // A re-fetch of routed posts hands nothing on.
    expect(await storeScored(app.ctx, batch)).toEqual({ created: [], handOn: [] });
  });

  it('hands mentions pending for over a minute back to routing, and none once they are routed', async () => {
    const batch = [post(10, 'lost', ANGRY), post(11, 'lost', 'just landed'), post(12, 'fresh', ANGRY)];
    await storeScored(app.ctx, batch);
    const [a, b, c] = batch.map((m) => m.id);
    // Stored two minutes ago and never routed: their job was lost.
    await app.ctx.db.query('UPDATE mentions SET stored_at = stored_at - 120000 WHERE id = ANY($1)', [[a, b]]);
    await app.ctx.queues.triage.pause();
    try {
      expect(await sweepPending(app.ctx)).toBe(2);
      const job = await app.ctx.queues.triage.getJob(batchJobId('triage', [a, b] as string[]));
      expect(job?.data).toEqual({ mentionIds: [a, b] });
      await job?.remove();
      await triageBatch(app.ctx, [a, b, c] as string[]);
      expect(await sweepPending(app.ctx)).toBe(0);
    } finally {
      await app.ctx.queues.triage.resume();
    }
  });
});

describe('migration 26 from a store at schema 25', () => {
  it('keeps every triage value, and the mentions not routed are pending', async () => {
    await old.query(
      'CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    for (const m of MIGRATIONS.filter((m) => m.version <= 25)) {
      await old.query(m.sql);
      await old.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    await old.query(`
      INSERT INTO mentions (id, platform, native_id, source_id, brand_id, author_id, created_at, stored_at, lang, text, rest)
        SELECT 'm' || g, 'mastodon', 'n' || g, 'src', 'acme', 'a', g, g, 'en', 'post ' || g, '[]' FROM generate_series(1, 4) g;
      INSERT INTO mention_triage (id, stage, triage, sentiment, score, category, urgency, complaint) VALUES
        ('m1', 'routed', 'encoded one', 'negative', -0.75, 'billing_refund', 80, true),
        ('m2', 'triaged', 'encoded two', 'positive', 0.5, 'praise', 10, false),
        ('m3', 'new', NULL, NULL, NULL, NULL, NULL, NULL);`);
    expect(await migrate(old)).toEqual(MIGRATIONS.filter((m) => m.version > 25).map((m) => m.version));
    const { rows } = await old.query(
      `SELECT id, triage, sentiment::text, score, category::text, urgency, complaint FROM mentions ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 'm1', triage: 'encoded one', sentiment: 'negative', score: -0.75, category: 'billing_refund', urgency: 80, complaint: true },
      { id: 'm2', triage: 'encoded two', sentiment: 'positive', score: 0.5, category: 'praise', urgency: 10, complaint: false },
      { id: 'm3', triage: null, sentiment: null, score: null, category: null, urgency: null, complaint: null },
      { id: 'm4', triage: null, sentiment: null, score: null, category: null, urgency: null, complaint: null },
    ]);
    const pending = await old.query<{ id: string }>('SELECT id FROM mention_pending ORDER BY id');
    expect(pending.rows.map((r) => r.id)).toEqual(['m2', 'm3', 'm4']);
    expect((await old.query(`SELECT to_regclass('mention_triage') AS t`)).rows[0]).toEqual({ t: null });
    const stages = await old.query<{ stage: string }>(`SELECT ${STAGE('m')} AS stage FROM mentions m ORDER BY id`);
    expect(stages.rows.map((r) => r.stage)).toEqual(['routed', 'triaged', 'new', 'new']);
  });
});
