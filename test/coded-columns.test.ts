import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMention, type Mention } from '../src/mention.js';
import { createPool, type Db } from '../src/postgres/pool.js';
import { ensureDatabase } from '../src/store/admin.js';
import { mentionRows } from '../src/store/export.js';
import { createItems, getItems, transition, type NewItem } from '../src/store/inbox.js';
import { queuePage } from '../src/store/inbox-queue.js';
import { OPEN_STATUSES } from '../src/store/item-types.js';
import { ingestMentions, loadMentions } from '../src/store/mentions.js';
import { migrate } from '../src/store/migrate.js';
import { finishRouting } from '../src/store/routed.js';
import { MIGRATIONS } from '../src/store/sql/migrations.js';
import { categoryBreakdown } from '../src/store/stats-breakdown.js';
import type { Category, TriageResult } from '../src/triage-types.js';
import { testApp, type TestApp } from './helpers/app.js';
import { testDatabaseUrl } from './helpers/db.js';
import { seedItems } from './helpers/queue-seed.js';

/**
 * Migration 24 stores category, sentiment, stage and status as enums and the priority as the
 * rank. Two things must hold: an installation upgrading with rows (some with values the first
 * labels lack) reads them back as they were, and a value the database has never seen (a new
 * category from triage, a new status in code) is stored and read back by name.
 */
const NOW = Date.UTC(2026, 5, 1, 12);
let old: Db;
let app: TestApp;

async function labels(db: Db, type: string): Promise<string[]> {
  const { rows } = await db.query<{ l: string }>(
    'SELECT enumlabel AS l FROM pg_enum WHERE enumtypid = $1::regtype ORDER BY enumsortorder',
    [type],
  );
  return rows.map((r) => r.l);
}

beforeAll(async () => {
  const server = (await testDatabaseUrl('coded-columns-probe')).replace(/\/[^/]+$/, '/postgres');
  await ensureDatabase(server, 'earshot_coded_columns');
  old = createPool(server.replace(/\/postgres$/, '/earshot_coded_columns'), { max: 2 });
  await old.query(
    'CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  for (const m of MIGRATIONS.filter((m) => m.version <= 23)) {
    await old.query(m.sql);
    await old.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
  }
  await seedItems(old, [
    { id: 'u1', priority: 'urgent', status: 'assigned', category: 'billing_refund', urgency: 80 },
    { id: 'n1', priority: 'normal', status: 'posted', category: 'praise' },
    // Values the type's first labels lack: an older model's category, a status of an older build.
    { id: 'x1', priority: 'normal', status: 'escalated', category: 'legacy_topic' },
  ]);
  await old.query(`UPDATE mention_triage SET stage = 'held', sentiment = 'mixed' WHERE id = 'x1'`);
  expect(await migrate(old)).toEqual(MIGRATIONS.filter((m) => m.version > 23).map((m) => m.version));
  app = await testApp();
});

afterAll(async () => {
  await old?.end();
  await app?.close();
});

describe('an upgraded store', () => {
  it('reads every item as it was, the priority from the rank', async () => {
    const items = await getItems(old, ['u1', 'n1', 'x1']);
    expect(items.map((i) => [i.id, i.priority, i.status, i.category, i.sentiment])).toEqual([
      ['u1', 'urgent', 'assigned', 'billing_refund', 'negative'],
      ['n1', 'normal', 'posted', 'praise', 'negative'],
      ['x1', 'normal', 'escalated', 'legacy_topic', 'negative'],
    ]);
    const { rows } = await old.query<{ c: string; t: string }>(
      `SELECT column_name AS c, udt_name AS t FROM information_schema.columns WHERE table_name = 'inbox_items' AND column_name IN ('status', 'category', 'sentiment', 'priority', 'rank') ORDER BY 1`,
    );
    expect(rows).toEqual([
      { c: 'category', t: 'earshot_category' },
      { c: 'rank', t: 'int2' },
      { c: 'sentiment', t: 'earshot_sentiment' },
      { c: 'status', t: 'earshot_status' },
    ]);
  });

  it('keeps the values the first labels lacked, and reads the mentions with their stage', async () => {
    expect(await labels(old, 'earshot_category')).toContain('legacy_topic');
    expect(await labels(old, 'earshot_status')).toContain('escalated');
    const stored = await loadMentions(old, ['x1', 'u1']);
    // From migration 26 on a stage is routed or not (mention_pending): an older build's "held" was not routed.
    expect(stored.get('x1')?.stage).toBe('new');
    expect(stored.get('u1')?.stage).toBe('routed');
    const { rows } = await old.query<{ sentiment: string; bytes: number }>(
      `SELECT sentiment, pg_column_size(category) AS bytes FROM mentions WHERE id = 'x1'`,
    );
    expect(rows).toEqual([{ sentiment: 'mixed', bytes: 4 }]);
  });

  it('counts the queue as before: per status, priority and category', async () => {
    const open = { statuses: ['assigned', 'escalated'], limit: 10, now: NOW };
    expect((await queuePage(old, { ...open, priority: 'urgent' })).rows.map((r) => r.item.id)).toEqual(['u1']);
    const legacy = await queuePage(old, { ...open, category: 'legacy_topic' });
    expect([legacy.total, legacy.rows.map((r) => r.item.id)]).toEqual([1, ['x1']]);
    // A category nothing was stored with is no match, not an error.
    expect((await queuePage(old, { ...open, category: 'never_seen' })).total).toBe(0);
    expect((await queuePage(old, { ...open, statuses: ['no_such_status'] })).total).toBe(0);
  });
});

function post(n: number): Mention {
  const built = toMention({
    platform: 'mastodon',
    sourceId: 'src',
    brandId: 'acme',
    nativeId: `coded${n}`,
    url: null,
    text: `@AcmeAir something new ${n}`,
    lang: 'en',
    createdAt: new Date(NOW).toISOString(),
    author: { id: 'someone', handle: 'someone', name: 'Someone', followers: 5, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: { statusId: `coded${n}` },
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

describe('a value the database does not know yet', () => {
  // A category triage may gain in a later version; the type has never seen it.
  const NEW = 'drone_sighting' as Category;
  const triage: TriageResult = {
    sentiment: 'negative',
    score: -0.5,
    sentimentConfidence: 0.8,
    complaint: false,
    complaintProbability: 0.2,
    category: NEW,
    question: false,
    language: 'en',
    urgency: 30,
    reasons: ['new'],
  };

  it('is added by the write that needs it, and reads back by name everywhere', async () => {
    expect(await labels(app.ctx.db, 'earshot_category')).not.toContain(NEW);
    const m = post(1);
    // The ingest stores the triage in the row (migration 26): the new category is added for that write.
    await ingestMentions(app.ctx.db, [m], new Map([[m.id, triage]]));
    await finishRouting(app.ctx.db, [{ id: m.id, platform: m.platform, authorId: m.author.id, triage }]);
    const item: NewItem = {
      id: m.id,
      brandId: 'acme',
      sourceId: 'src',
      platform: 'mastodon',
      priority: 'normal',
      urgency: 30,
      category: NEW,
      sentiment: 'negative',
      createdAt: NOW,
      slaDueAt: NOW + 3_600_000,
      draft: 'Hi',
      draftTemplate: 'default',
      draftWarnings: [],
    };
    expect(await createItems(app.ctx, [item])).toEqual([m.id]);
    expect(await labels(app.ctx.db, 'earshot_category')).toContain(NEW);
    const [stored] = await getItems(app.ctx.db, [m.id]);
    expect([stored?.category, stored?.priority, stored?.status]).toEqual([NEW, 'normal', 'new']);
    const page = await queuePage(app.ctx.db, { statuses: OPEN_STATUSES, category: NEW, limit: 10 });
    expect([page.total, page.rows.map((r) => r.item.id)]).toEqual([1, [m.id]]);
    const breakdown = await categoryBreakdown(app.ctx.db, { from: NOW - 1000, to: NOW + 1000, previousFrom: NOW - 2000 });
    expect(breakdown.map((r) => r.category)).toContain(NEW);
    const exported = [];
    for await (const row of mentionRows(app.ctx.db, { from: NOW - 1000, to: NOW + 1000 })) exported.push(row);
    expect(exported.map((r) => [r.triage?.category, r.itemStatus, r.stage])).toEqual([[NEW, 'new', 'routed']]);
  });

  it('takes a status added in code (the type lacks it) on a transition', async () => {
    const m = post(2);
    await ingestMentions(app.ctx.db, [m]);
    const item: NewItem = {
      id: m.id,
      brandId: 'acme',
      sourceId: 'src',
      platform: 'mastodon',
      priority: 'urgent',
      urgency: 90,
      category: 'other',
      sentiment: 'neutral',
      createdAt: NOW,
      slaDueAt: NOW + 3_600_000,
      draft: 'Hi',
      draftTemplate: 'default',
      draftWarnings: [],
    };
    await createItems(app.ctx, [item]);
    const res = await transition(app.ctx, m.id, { from: ['new'], set: { status: 'on_hold' }, actor: 'ana', action: 'hold' });
    expect(res.ok).toBe(true);
    const [stored] = await getItems(app.ctx.db, [m.id]);
    expect([stored?.status, stored?.priority]).toEqual(['on_hold', 'urgent']);
    const page = await queuePage(app.ctx.db, { statuses: ['on_hold'], limit: 10 });
    expect(page.rows.map((r) => r.item.id)).toEqual([m.id]);
  });
});
