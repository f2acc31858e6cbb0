import type { Redis } from 'ioredis';
import type { Db } from '../postgres/pool.js';
import type { StoreKeys } from './keys.js';

/**
 * What store functions need: PostgreSQL for records, Redis for what is transient (pub/sub,
 * budgets, locks). AppContext has all three, so callers pass their ctx.
 */
export interface StoreCtx {
  db: Db;
  redis: Redis;
  keys: StoreKeys;
}
