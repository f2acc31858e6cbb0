import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RateLimitedError } from '../src/http/errors.js';
import { redisLimiter } from '../src/connectors/shared/limiter.js';
import { createRedis } from '../src/redis/connection.js';
import { nth } from './helpers/present.js';

describe('request budget shared through Redis', () => {
  let redis: Redis;
  const prefix = `lim${Date.now()}`;

  beforeAll(() => {
    redis = createRedis(inject('redisUrl'));
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('holds across limiter instances, with room for the lag between reserving and sending', async () => {
    const a = redisLimiter(redis, prefix);
    const b = redisLimiter(redis, prefix);
    const budget = { limit: 3, windowMs: 300 };
    const times: number[] = [];
    await Promise.all(
      [a, b, a, b, a, b].map(async (limiter) => {
        await limiter.acquire('k', budget);
        times.push(Date.now());
      }),
    );
    times.sort((x, y) => x - y);
    // Three go at once; the fourth waits for the window plus the send-lag margin (500 ms).
    expect(nth(times, 2) - nth(times, 0)).toBeLessThan(200);
    expect(nth(times, 3) - nth(times, 0)).toBeGreaterThanOrEqual(780);
  });

  it('gives up with a RateLimitedError instead of holding a worker past maxWaitMs', async () => {
    const limiter = redisLimiter(redis, prefix);
    const budget = { limit: 1, windowMs: 60_000 };
    await limiter.acquire('spent', budget);
    await expect(limiter.acquire('spent', budget, { maxWaitMs: 100 })).rejects.toBeInstanceOf(RateLimitedError);
  });
});
