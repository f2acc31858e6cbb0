import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { redactUrl } from '../log.js';

/**
 * BullMQ workers need `maxRetriesPerRequest: null` (blocking commands must not give up); the same
 * setting suits the store, which should wait through a Redis restart rather than fail a job.
 */
export function createRedis(url: string, log?: Logger, name = 'earshot'): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: name,
    retryStrategy: (times) => Math.min(200 * times, 5_000),
  });
  let warned = false;
  redis.on('error', (err) => {
    if (!warned) log?.warn({ err: err.message, redis: redactUrl(url) }, 'redis connection problem; retrying');
    warned = true;
  });
  redis.on('ready', () => {
    if (warned) log?.info('redis connection restored');
    warned = false;
  });
  return redis;
}
