import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../src/api/server.js';
import { buildContext } from '../src/app/runtime.js';
import { configFromObject } from '../src/app/config.js';
import type { AppContext } from '../src/context.js';
import { approveItem } from '../src/inbox/actions.js';
import { closeQueues } from '../src/jobs/queues.js';
import { pollSource } from '../src/listen/poll.js';
import { createPool, type Db } from '../src/postgres/pool.js';
import { createRedis } from '../src/redis/connection.js';
import { ensureDatabase } from '../src/store/admin.js';
import { getItem, getItems, listItemIds } from '../src/store/inbox.js';
import { migrate } from '../src/store/migrate.js';
import { MIGRATIONS } from '../src/store/sql/migrations.js';
import { baseConfig, testPrefix, TOKENS } from './helpers/app.js';
import { tcpDatabaseUrl, testDatabaseUrl } from './helpers/db.js';
import { startBouncer, type Bouncer } from './helpers/pgbouncer.js';
import { waitFor } from './helpers/wait.js';
import { startAllWorkers } from './helpers/workers.js';

/**
 * Earshot behind a real PgBouncer in transaction mode with two server connections: every
 * transaction may land on another client's session, so a prepared statement, a session
 * advisory lock or a session SET would fail or leak here. (store-owns-sql.test.ts forbids them
 * in the sources; this runs the real thing through the pooler.)
 */
const line = (id: string, text: string, followers = 120) =>
  `${JSON.stringify({
    id,
    text,
    createdAt: '2026-11-20T10:00:00Z',
    author: { id: `u-${id}`, handle: `user${id}@social.example`, name: `User ${id}`, followers },
    url: `https://social.example/@u/${id}`,
  })}\n`;

const mostUrgent = <T extends { urgency: number }>(items: T[]): T | undefined => [...items].sort((a, b) => b.urgency - a.urgency)[0];

describe('behind PgBouncer in transaction mode', () => {
  let bouncer: Bouncer;
  const pools: Db[] = [];
  const pool = (url: string, max = 4) => {
    const p = createPool(url, { max });
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    const direct = new URL(tcpDatabaseUrl(await testDatabaseUrl(testPrefix())));
    bouncer = await startBouncer({ host: direct.hostname, port: Number(direct.port) }, 2);
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await bouncer.close();
  });

  it('three processes starting together on an empty database apply every migration once', async () => {
    const name = `t_bouncer_${testPrefix()}`;
    await ensureDatabase(inject('pgUrlTemplate').replace('{db}', 'postgres'), name);
    const starters = [1, 2, 3].map(() => pool(bouncer.urlFor(name), 2));
    const applied = await Promise.all(starters.map((db) => migrate(db)));
    expect(applied.flat().sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
    expect(applied.filter((a) => a.length > 0)).toHaveLength(1);
    const rows = await pool(bouncer.urlFor(name), 1).query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows.rows[0]?.n).toBe(MIGRATIONS.length);
  });

  describe('the whole loop through the pooler', () => {
    let ctx: AppContext;
    let workers: { close(): Promise<void> };
    let server: FastifyInstance;
    let dir: string;

    beforeAll(async () => {
      const prefix = testPrefix();
      dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-bouncer-loop-'));
      writeFileSync(
        path.join(dir, 'in.jsonl'),
        line('1', 'Thanks @AcmeAir, the crew on my flight this morning was lovely!') +
          line('2', '@AcmeAir you lost my bag 3 days ago and nobody answers. Still waiting. My lawyer will hear about this!!!', 90_000) +
          line('3', '@AcmeAir my refund for the cancelled flight never arrived, third email now'),
      );
      const overrides = {
        sources: [
          {
            id: 'f',
            kind: 'file',
            brand: 'acme',
            interval: '1h',
            options: { path: path.join(dir, 'in.jsonl'), outbox: path.join(dir, 'out.jsonl') },
          },
        ],
      };
      const databaseUrl = bouncer.urlFor(new URL(await testDatabaseUrl(prefix)).pathname.slice(1));
      const redisUrl = inject('redisUrl');
      const config = configFromObject(
        baseConfig(prefix, overrides),
        { REDIS_URL: redisUrl, DATABASE_URL: databaseUrl },
        '/test/earshot.yaml',
      );
      const redis = createRedis(redisUrl);
      ctx = buildContext(config, redis, pool(databaseUrl, 6), pino({ level: 'silent' }));
      workers = startAllWorkers(ctx);
      server = await buildServer(ctx);
    });
    afterAll(async () => {
      await server.close();
      await workers.close();
      await closeQueues(ctx.queues);
      await ctx.http.close();
      await ctx.redis.quit();
    });

    const get = async (url: string) => {
      const res = await server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKENS.admin}` } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Record<string, unknown>;
    };

    it('stores, triages and routes; the queue, its text filter and search answer', async () => {
      expect(await pollSource(ctx, 'f')).toMatchObject({ status: 'ok', stored: 3 });
      const items = await waitFor('two inbox items', async () => {
        const found = await getItems(ctx.db, await listItemIds(ctx.db, 100));
        return found.length >= 2 ? found : undefined;
      });
      // The lawyer threat from a 90k account is urgent; whether the refund complaint also crosses the line is triage's call.
      expect(mostUrgent(items)).toMatchObject({ priority: 'urgent', urgency: 100 });
      const queue = await get('/api/inbox?limit=50');
      expect(queue['total']).toBe(items.length);
      const filtered = await get('/api/inbox?limit=50&q=lawyer');
      expect(filtered['total']).toBe(1);
      const search = (await get('/api/search?q=crew')) as { total: number };
      expect(search.total).toBe(1);
      await get('/api/analytics');
    });

    it('an approval reaches the platform exactly once', async () => {
      const urgent = mostUrgent(await getItems(ctx.db, await listItemIds(ctx.db, 100)));
      if (urgent?.priority !== 'urgent') throw new Error('no urgent item');
      await approveItem(ctx, { name: 'approver', role: 'approver' }, urgent.id, {
        draftVersion: urgent.draftVersion,
        acknowledgeWarnings: true,
      });
      const posted = await waitFor('reply posted', async () => {
        const item = await getItem(ctx.db, urgent.id);
        return item?.status === 'posted' ? item : undefined;
      });
      const sent = readFileSync(path.join(dir, 'out.jsonl'), 'utf8').trim().split('\n');
      expect(sent).toHaveLength(1);
      expect(JSON.parse(sent[0] as string)).toMatchObject({ replyId: posted.replyId, inReplyTo: '2' });
      const audit = (await get(`/api/audit/page?itemId=${encodeURIComponent(urgent.id)}`)) as { entries?: unknown[] };
      expect(audit.entries?.length ?? 0).toBeGreaterThan(0);
    });

    it('PgBouncer saw no protocol or session errors', () => {
      expect(bouncer.log()).not.toMatch(/prepared statement|ERROR|unsupported startup parameter/i);
    });
  });
});
