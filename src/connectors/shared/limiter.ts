import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { blockRequests, takeRequest } from '../../store/rate-budget.js';
import { RateLimitedError } from '../../http/errors.js';

export interface Budget {
  /** Requests allowed in any window of `windowMs`. Set it a little under the platform's own limit. */
  limit: number;
  windowMs: number;
}

export interface RateLimiter {
  /**
   * Takes one request from the budget named `key` (platform + credential, so every source that
   * shares a token shares its budget), waiting up to `maxWaitMs` for room. Past that it throws
   * RateLimitedError, so the caller defers instead of holding a worker.
   */
  acquire(key: string, budget: Budget, options?: { maxWaitMs?: number; signal?: AbortSignal }): Promise<void>;
  /** The platform said stop until `until` (429, quota, RATELIMIT body): nobody using `key` asks before then. */
  block(key: string, until: Date): Promise<void>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new Error('aborted'))), { once: true });
  });

export function redisLimiter(redis: Redis, prefix: string): RateLimiter {
  let seq = 0;
  const instance = randomBytes(6).toString('hex');
  return {
    async acquire(key, budget, options = {}) {
      const maxWait = options.maxWaitMs ?? 10_000;
      const started = Date.now();
      for (;;) {
        // Unique across machines too, where pids repeat.
        const member = `${instance}-${(seq += 1)}`;
        const wait = await takeRequest(redis, prefix, key, budget, member);
        if (wait <= 0) return;
        if (Date.now() + wait - started > maxWait)
          throw new RateLimitedError(`request budget "${key}" is spent`, new Date(Date.now() + wait));
        await sleep(wait, options.signal);
      }
    },
    async block(key, until) {
      const ms = until.getTime() - Date.now();
      if (ms > 0) await blockRequests(redis, prefix, key, until.getTime(), ms);
    },
  };
}

/** Per-process version for connector contract tests without Redis. */
export function memoryLimiter(): RateLimiter {
  const log = new Map<string, number[]>();
  const blocked = new Map<string, number>();
  return {
    async acquire(key, budget, options = {}) {
      const maxWait = options.maxWaitMs ?? 10_000;
      const started = Date.now();
      for (;;) {
        const now = Date.now();
        const until = blocked.get(key) ?? 0;
        const recent = (log.get(key) ?? []).filter((t) => t > now - budget.windowMs);
        const wait = until > now ? until - now : recent.length < budget.limit ? 0 : (recent[0] as number) + budget.windowMs - now;
        if (wait <= 0) {
          log.set(key, [...recent, now]);
          return;
        }
        if (Date.now() + wait - started > maxWait) throw new RateLimitedError(`request budget "${key}" is spent`, new Date(now + wait));
        await sleep(wait, options.signal);
      }
    },
    async block(key, until) {
      blocked.set(key, until.getTime());
    },
  };
}

/** Budget key for one credential on one platform; the secret itself never appears in Redis. */
export function credentialKey(kind: string, ...parts: string[]): string {
  return `${kind}:${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16)}`;
}
