import type { Redis } from 'ioredis';
import type { SourceKv } from './kv.js';
import { storeKeys } from './keys.js';

/** A connector's per-source values (a session, a refreshed token) in Redis, shared by every worker. */
export function redisKv(redis: Redis, prefix: string, sourceId: string): SourceKv {
  const key = (name: string) => storeKeys(prefix).sourceValue(sourceId, name);
  return {
    async get<T>(name: string) {
      const raw = await redis.get(key(name));
      return raw === null ? null : (JSON.parse(raw) as T);
    },
    async set(name, value, ttlMs) {
      if (ttlMs) await redis.set(key(name), JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)));
      else await redis.set(key(name), JSON.stringify(value));
    },
    async del(name) {
      await redis.del(key(name));
    },
  };
}
