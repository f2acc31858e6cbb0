import type { Redis } from 'ioredis';
import { storeKeys } from './keys.js';
import { runScript } from './scripts.js';

// Sliding-window log: exact across processes, and small because windows hold at most `limit` entries.
// The clock is Redis's own (TIME), not the caller's: workers on several machines disagree on the
// time, and a fast clock would drop other processes' entries early and let a burst through.
// Entries are kept SEND_LAG_MS longer than the window: what the platform counts is when requests
// arrive, and a request reserved by a busy process (GC, a long batch on its event loop) can
// leave a few hundred ms after its reservation while a later one leaves at once.
const SEND_LAG_MS = 500;
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1]) + ${SEND_LAG_MS}
local limit = tonumber(ARGV[2])
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > now then return blocked - now end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)`;

/**
 * Takes one request from the budget `key` (`limit` per `windowMs`, shared by every process):
 * 0 when taken, otherwise how many ms until there may be room. `member` must be unique.
 */
export async function takeRequest(
  redis: Redis,
  prefix: string,
  key: string,
  budget: { limit: number; windowMs: number },
  member: string,
): Promise<number> {
  const keys = storeKeys(prefix);
  return Number(
    await runScript(redis, 'earshotAcquire', ACQUIRE, [keys.rateLog(key), keys.rateBlocked(key)], [budget.windowMs, budget.limit, member]),
  );
}

/** Nobody takes from `key` before `until` (epoch ms); the mark expires then by itself. */
export async function blockRequests(redis: Redis, prefix: string, key: string, until: number, ms: number): Promise<void> {
  await redis.set(storeKeys(prefix).rateBlocked(key), String(until), 'PX', ms);
}
