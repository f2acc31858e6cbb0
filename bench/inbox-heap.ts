/**
 * Reproduces the inbox heap crash of issue #10: 2,000 stored posts of 38,000 characters, then 16
 * viewers asking for `GET /api/inbox?limit=500&q=…` at once, in a process with a 256 MB heap
 * (`npm start` runs with that). Before lists read previews, the process aborted (V8 heap out of
 * memory in JSON.parse); now 8 lists run (2 per user, 8 in all), 8 get 429, peak heap ~100 MB.
 *
 *   node --max-old-space-size=256 --import tsx bench/inbox-heap.ts [--posts 2000] [--clients 16]
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildServer } from '../src/api/server.js';
import { buildContext } from '../src/app/runtime.js';
import { configFromObject } from '../src/app/config.js';
import { toMention, type Mention } from '../src/mention.js';
import { createPool } from '../src/postgres/pool.js';
import { createRedis } from '../src/redis/connection.js';
import { startEmbeddedRedis } from '../src/redis/embedded.js';
import { createItems } from '../src/store/inbox.js';
import { ingestMentions } from '../src/store/mentions.js';
import { migrate } from '../src/store/migrate.js';
import { startEmbeddedPostgres } from '../src/postgres/embedded.js';

const { values: args } = parseArgs({ options: { posts: { type: 'string', default: '2000' }, clients: { type: 'string', default: '16' } } });
const POSTS = Number(args.posts);
const CLIENTS = Number(args.clients);
const TEXT = 'my bag never arrived and nobody answers the phone '.repeat(800).slice(0, 38_000);

function mention(i: number): Mention {
  const built = toMention({
    platform: 'mastodon',
    sourceId: 'src',
    brandId: 'acme',
    nativeId: `p${i}`,
    url: `https://social.example/@u${i}/${i}`,
    text: TEXT,
    lang: 'en',
    createdAt: new Date(Date.now() - i * 1000).toISOString(),
    author: { id: `a${i}`, handle: `u${i}`, name: `User ${i}`, followers: 10, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: {},
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

async function seed(ctx: ReturnType<typeof buildContext>): Promise<void> {
  for (let start = 0; start < POSTS; start += 100) {
    const batch = Array.from({ length: Math.min(100, POSTS - start) }, (_, k) => mention(start + k));
    await ingestMentions(ctx.db, batch);
    await createItems(
      ctx,
      batch.map((m) => ({
        id: m.id,
        brandId: 'acme',
        sourceId: 'src',
        platform: 'mastodon',
        priority: 'normal' as const,
        urgency: 40,
        category: 'other',
        sentiment: 'negative',
        createdAt: Date.parse(m.createdAt),
        slaDueAt: Date.now() + 3_600_000,
        draft: 'Hi, sorry about that.',
        draftTemplate: 'default',
        draftWarnings: [],
      })),
    );
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-heap-'));
  const redisServer = await startEmbeddedRedis({ dataDir: dir });
  chmodSync(dir, 0o711);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), throwaway: true });
  const users = Array.from({ length: CLIENTS }, (_, i) => ({
    name: `viewer${i}`,
    role: 'viewer',
    token: `heap-viewer-token-${i}-0123456789`,
  }));
  const config = configFromObject(
    {
      brands: [{ id: 'acme', name: 'Acme Air', keywords: ['acme air'] }],
      playbook: { templates: { default: 'Hi {name}.' } },
      users,
      log: { level: 'silent' },
    },
    { REDIS_URL: redisServer.url, DATABASE_URL: pg.url },
    path.join(dir, 'earshot.yaml'),
  );
  const redis = createRedis(redisServer.url);
  const db = createPool(pg.url);
  await migrate(db);
  const ctx = buildContext(config, redis, db, pino({ level: 'silent' }));
  await seed(ctx);
  const server = await buildServer(ctx);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
  const started = Date.now();
  const statuses = await Promise.all(
    users.map((u) =>
      server
        .inject({ method: 'GET', url: '/api/inbox?limit=500&q=nobody', headers: { authorization: `Bearer ${u.token}` } })
        .then((r) => r.statusCode),
    ),
  );
  clearInterval(sampler);
  const count = (s: number) => statuses.filter((x) => x === s).length;
  process.stdout.write(
    `${POSTS} posts of ${TEXT.length} chars, ${CLIENTS} concurrent lists: ${count(200)}×200, ${count(429)}×429 in ${Date.now() - started} ms; peak heap ${(peak / 2 ** 20).toFixed(0)} MB\n`,
  );
  await server.close();
  await Promise.all(Object.values(ctx.queues).map((q) => q.close()));
  await ctx.db.end();
  await ctx.http.close();
  await redis.quit();
  await redisServer.stop();
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}

await main();
