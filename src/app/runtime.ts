import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load.js';
import type { EmbeddedProcess } from '../embedded/process.js';
import { HttpClient } from '../http/client.js';
import { closeQueues, createQueues } from '../jobs/queues.js';
import type { Logger } from '../log.js';
import { createRedis, hasHashTag, isClusterUrl, whenReady } from '../redis/connection.js';
import { startEmbeddedRedis, type EmbeddedRedis } from '../redis/embedded.js';
import { SourceClients } from '../connectors/clients.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../postgres/embedded.js';
import { createPool, type Db } from '../postgres/pool.js';
import { waitForDatabase } from '../postgres/wait.js';
import { migrate } from '../store/migrate.js';
import { storeKeys } from '../store/keys.js';
import type { AppContext } from '../context.js';
import { describeSeed, Directory } from '../store/directory-cache.js';

export interface Runtime {
  /** For workers, schedulers and CLI commands: commands wait through a Redis outage. */
  ctx: AppContext;
  embedded: EmbeddedRedis | null;
  embeddedPostgres: EmbeddedPostgres | null;
  /** For the API: same store, own connection whose commands fail fast (see createRedis). Opened on first use. */
  apiContext(): Promise<AppContext>;
  /** Called when the store is gone for good (an embedded server that could not be restarted). */
  onFatal(listener: (err: Error) => void): void;
  /** Closes queues, HTTP agent, Redis and PostgreSQL, then the embedded servers this process started. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** `earshot start`: own the data folder or refuse (see startEmbeddedRedis). */
  exclusive?: boolean;
  command?: string;
  /** `earshot start`: follow users-and-brands changes made by other processes (short commands read them once). */
  follow?: boolean;
}

export const USER_AGENT = 'Earshot/0.1 (+self-hosted brand listening)';

export function buildContext(
  config: Config,
  redis: Redis,
  db: Db,
  log: Logger,
  http = new HttpClient({ userAgent: USER_AGENT }),
): AppContext {
  const directory = new Directory(config);
  return {
    config,
    directory,
    redis,
    db,
    keys: storeKeys(config.redis.prefix),
    queues: createQueues(redis, config.redis.prefix),
    log,
    http,
    sources: new SourceClients(config, http, log, redis, directory),
    now: Date.now,
  };
}

/** Connects to REDIS_URL / redis.url, or starts the embedded redis-server when neither is set. */
export async function openRuntime(config: Config, log: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  let embedded: EmbeddedRedis | null = null;
  let url = config.redis.url;
  if (!url) {
    embedded = await startEmbeddedRedis({
      dataDir: path.resolve(config.redis.dataDir),
      log,
      exclusive: options.exclusive,
      command: options.command,
      setting: `redis.dataDir in ${config.file}`,
    });
    url = embedded.url;
  }
  let redis: Redis | null = null;
  try {
    // Without a hash tag BullMQ's scripts and ours would touch keys on several nodes and fail with CROSSSLOT.
    if (isClusterUrl(url) && !hasHashTag(config.redis.prefix)) {
      throw new Error(
        `a Redis Cluster needs a hash tag in redis.prefix so all keys share one slot: set redis.prefix to "{${config.redis.prefix}}" in ${config.file}`,
      );
    }
    redis = createRedis(url, log);
    await redis.ping();
    const { db, embeddedPostgres } = await openDatabase(config, log, options);
    const ctx = buildContext(config, redis, db, log);
    const runtime = assemble(ctx, embedded, embeddedPostgres, url);
    await openDirectory(ctx, options.follow ?? false).catch(async (err: unknown) => {
      await runtime.close();
      throw err;
    });
    return runtime;
  } catch (err) {
    // A start that fails half way leaves nothing running (openDatabase cleans up after itself).
    redis?.disconnect();
    await embedded?.stop();
    throw err;
  }
}

function assemble(ctx: AppContext, embedded: EmbeddedRedis | null, embeddedPostgres: EmbeddedPostgres | null, url: string): Runtime {
  const servers = [embedded?.server, embeddedPostgres?.server].filter((s): s is EmbeddedProcess => Boolean(s));
  ctx.servers = servers;
  let api: AppContext | null = null;
  const fatal: Array<(err: Error) => void> = [];
  let failure: Error | null = null;
  for (const server of servers) {
    server.on('failed', (err: Error) => {
      failure = err;
      fatal.forEach((f) => f(err));
    });
  }
  return {
    ctx,
    embedded,
    embeddedPostgres,
    async apiContext() {
      if (api) return api;
      const redis = createRedis(url, ctx.log, 'earshot-api', { failFast: true });
      await whenReady(redis);
      api = { ...ctx, redis, queues: createQueues(redis, ctx.config.redis.prefix) };
      return api;
    },
    onFatal(listener) {
      // A listener added after the failure (the server gave up while the rest was starting) still hears of it.
      if (failure) listener(failure);
      else fatal.push(listener);
    },
    async close() {
      await ctx.directory.close();
      const contexts = api ? [api, ctx] : [ctx];
      for (const c of contexts) await closeQueues(c.queues);
      await ctx.http.close();
      // QUIT waits for a reply: with Redis gone it would wait for good.
      for (const { redis } of contexts)
        await (redis.status === 'ready' ? redis.quit().catch(() => redis.disconnect()) : redis.disconnect());
      await ctx.db.end().catch(() => undefined);
      await embedded?.stop();
      await embeddedPostgres?.stop();
    },
  };
}

/** Seeds users and brands from the config file, loads them, and says at start which side won. */
async function openDirectory(ctx: AppContext, follow: boolean): Promise<void> {
  const report = await ctx.directory.open({ db: ctx.db, redis: ctx.redis, channel: ctx.keys.directory, log: ctx.log }, { follow });
  const { message, warn } = describeSeed(report, ctx.config.file, {
    users: ctx.directory.users.length,
    brands: ctx.directory.brands.length,
  });
  if (follow) ctx.log.info({ version: ctx.directory.version }, message);
  if (warn) ctx.log.warn(warn);
}

/** Connects to DATABASE_URL / database.url, or starts the embedded PostgreSQL; then brings the schema up to date. */
export async function openDatabase(
  config: Config,
  log: Logger,
  options: RuntimeOptions = {},
): Promise<{ db: Db; embeddedPostgres: EmbeddedPostgres | null }> {
  let embeddedPostgres: EmbeddedPostgres | null = null;
  let url = config.database.url;
  if (!url) {
    const setting = `database.dataDir in ${config.file}`;
    embeddedPostgres = await startEmbeddedPostgres({
      dataDir: path.resolve(config.database.dataDir),
      log,
      exclusive: options.exclusive,
      command: options.command,
      setting,
    });
    url = embeddedPostgres.url;
  }
  const db = createPool(url, { max: config.database.pool, log });
  try {
    await waitForDatabase(db, url, { log });
    const applied = await migrate(db);
    if (applied.length) log.info({ applied }, 'database schema updated');
  } catch (err) {
    await db.end().catch(() => undefined);
    await embeddedPostgres?.stop();
    throw err;
  }
  return { db, embeddedPostgres };
}
