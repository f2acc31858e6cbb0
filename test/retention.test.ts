import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRun } from '../src/app/runner.js';
import { appendAudit, auditPage } from '../src/store/audit.js';
import { queuePage } from '../src/store/inbox-queue.js';
import { healthWorker } from '../workers/health.js';
import { testApp, type TestApp } from './helpers/app.js';
import { seedItems } from './helpers/queue-seed.js';

const DAY = 86_400_000;
const OPEN = ['new', 'assigned', 'needs_check'];

let app: TestApp;

beforeAll(async () => {
  app = await testApp({ retention: '7d' });
});

afterAll(async () => {
  await app?.close();
});

const count = async (sql: string) => Number((await app.ctx.db.query<{ n: number }>(sql)).rows[0]?.n);

describe('retention', () => {
  it('the minute health job removes mentions stored before the configured retention, with their items, and keeps the audit log', async () => {
    const db = app.ctx.db;
    // More old posts than one delete batch (5,000), so the job has to go round more than once.
    const old = Array.from({ length: 6_200 }, (_, i) => ({ id: `old${i}`, status: i % 2 ? 'new' : 'posted' }));
    const recent = Array.from({ length: 40 }, (_, i) => ({ id: `new${i}` }));
    await seedItems(db, [...old, ...recent]);
    await db.query(`UPDATE mentions SET stored_at = $1 WHERE id LIKE 'old%'`, [Date.now() - 8 * DAY]);
    // A day inside the retention: kept.
    await db.query(`UPDATE mentions SET stored_at = $1 WHERE id = 'new0'`, [Date.now() - 6 * DAY]);
    // Old posts never routed go too, their pending rows with them.
    await db.query(`INSERT INTO mention_pending (id) SELECT id FROM mentions WHERE id LIKE 'old1%'`);
    await db.query(
      `INSERT INTO draft_versions (item_id, version, text, actor, at) VALUES ('old1', 1, 'Hi', 'ann', 1), ('new1', 1, 'Hi', 'ann', 1)`,
    );
    await appendAudit(db, 'ann', 'item.approved', 'old1');
    expect((await queuePage(db, { statuses: OPEN, limit: 10 })).total).toBe(3_100 + 40);

    const run = { app: app.ctx, job: {} as Job, signal: new AbortController().signal, finalAttempt: true } satisfies JobRun;
    await healthWorker.handle({}, run);

    expect(await count(`SELECT count(*) AS n FROM mentions WHERE id LIKE 'old%'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM mentions WHERE id LIKE 'new%'`)).toBe(40);
    expect(await count(`SELECT count(*) AS n FROM inbox_items WHERE id LIKE 'old%'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM mention_pending WHERE id LIKE 'old%'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM draft_versions`)).toBe(1);
    // The queue's totals follow (inbox_counts is kept by triggers, cascaded deletes included).
    const queue = await queuePage(db, { statuses: OPEN, limit: 10 });
    expect(queue.total).toBe(40);
    expect(queue.rows.every((r) => r.item.id.startsWith('new'))).toBe(true);
    // Who did what stays on record after the post itself has gone.
    expect((await auditPage(db, { itemId: 'old1', limit: 10 })).entries.map((e) => e.action)).toEqual(['item.approved']);
  });

  it('the health job gives the emptied pending table its disk back once routing has caught up', async () => {
    const db = app.ctx.db;
    await seedItems(
      db,
      Array.from({ length: 4_000 }, (_, i) => ({ id: `pend${i}` })),
    );
    await db.query(`INSERT INTO mention_pending (id) SELECT id FROM mentions WHERE id LIKE 'pend%'`);
    // Routing deletes each row once the mention is routed; the pages stay behind.
    await db.query(`DELETE FROM mention_pending`);
    const bytes = async () => count(`SELECT pg_total_relation_size('mention_pending') AS n`);
    const grown = await bytes();
    expect(grown).toBeGreaterThan(64 * 1024);

    const run = { app: app.ctx, job: {} as Job, signal: new AbortController().signal, finalAttempt: true } satisfies JobRun;
    await healthWorker.handle({}, run);

    expect(await bytes()).toBeLessThan(grown / 4);
    expect(await count(`SELECT count(*) AS n FROM mentions WHERE id LIKE 'pend%'`)).toBe(4_000);
  });
});
