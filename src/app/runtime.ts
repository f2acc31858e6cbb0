import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load.js';
import { HttpClient } from '../http/client.js';
import { closeQueues, createQueues } from '../jobs/queues.js';
import type { Logger } from '../log.js';
import { createRedis, hasHashTag, isClusterUrl } from '../redis/connection.js';
import { startEmbeddedRedis, type EmbeddedRedis } from '../redis/embedded.js';
import { SourceClients } from '../pipeline/source-clients.js';
import { storeKeys } from '../store/keys.js';
import type { AppContext } from './context.js';

export interface Runtime {
  ctx: AppContext;
  embedded: EmbeddedRedis | null;
  /** Closes queues, HTTP agent and Redis, then the embedded server if this process started one. */
  close(): Promise<void>;
}

export const USER_AGENT = 'Earshot/0.1 (+self-hosted brand listening)';

export function buildContext(config: Config, redis: Redis, log: Logger, http = new HttpClient({ userAgent: USER_AGENT })): AppContext {
  return {
    config,
    redis,
    keys: storeKeys(config.redis.prefix),
    queues: createQueues(redis, config.redis.prefix),
    log,
    http,
    sources: new SourceClients(config, http, log, redis),
  };
}

/** Connects to REDIS_URL / redis.url, or starts the embedded redis-server when neither is set. */
export async function openRuntime(config: Config, log: Logger): Promise<Runtime> {
  let embedded: EmbeddedRedis | null = null;
  let url = config.redis.url;
  if (!url) {
    embedded = await startEmbeddedRedis({ dataDir: path.resolve(config.redis.dataDir), log });
    url = embedded.url;
  }
  // Without a hash tag BullMQ's scripts and ours would touch keys on several nodes and fail with CROSSSLOT.
  if (isClusterUrl(url) && !hasHashTag(config.redis.prefix)) {
    throw new Error(`a Redis Cluster needs a hash tag in redis.prefix so all keys share one slot: set redis.prefix to "{${config.redis.prefix}}" in ${config.file}`);
  }
  const redis = createRedis(url, log);
  await redis.ping();
  const ctx = buildContext(config, redis, log);
  return {
    ctx,
    embedded,
    async close() {
      await closeQueues(ctx.queues);
      await ctx.http.close();
      await redis.quit().catch(() => redis.disconnect());
      await embedded?.stop();
    },
  };
}
