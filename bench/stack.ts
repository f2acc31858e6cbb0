import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildContext } from '../src/app/runtime.js';
import { configFromObject } from '../src/app/config.js';
import { startEmbeddedPostgres } from '../src/postgres/embedded.js';
import { createPool } from '../src/postgres/pool.js';
import { createRedis } from '../src/redis/connection.js';
import { startEmbeddedRedis } from '../src/redis/embedded.js';
import { migrate } from '../src/store/migrate.js';

export type BenchContext = ReturnType<typeof buildContext>;

/**
 * A throwaway PostgreSQL and redis-server in a temporary folder and an app context on them, as the
 * spike benches use it; `close()` stops both and removes the folder. `raw` is the config without
 * its redis and log parts, which the bench sets (its own key prefix, silent logs).
 */
export async function startBenchStack(name: string, raw: Record<string, unknown>): Promise<{ ctx: BenchContext; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `earshot-${name}-`));
  // The embedded PostgreSQL runs as another user when the bench runs as root: it has to get in.
  chmodSync(dir, 0o711);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), throwaway: true });
  const redisServer = await startEmbeddedRedis({ dataDir: path.join(dir, 'redis') });
  const config = configFromObject(
    { ...raw, redis: { prefix: name }, log: { level: 'silent' } },
    { REDIS_URL: redisServer.url, DATABASE_URL: pg.url },
    path.join(dir, 'earshot.yaml'),
  );
  const db = createPool(pg.url, { max: 4 });
  await migrate(db);
  const redis = createRedis(redisServer.url);
  const ctx = buildContext(config, redis, db, pino({ level: 'silent' }));
  const close = async () => {
    await ctx.http.close();
    redis.disconnect();
    await db.end();
    await redisServer.stop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { ctx, close };
}
