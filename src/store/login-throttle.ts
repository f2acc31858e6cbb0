import type { Redis } from 'ioredis';
import type { StoreKeys } from './keys.js';

/**
 * Failed sign-ins, counted twice. Per account and client address: after `maxFailures` that
 * address is refused for the rest of the window, which stops one guesser without touching anyone
 * else. Per account from anywhere: past `maxFailures`, every further attempt on the account waits
 * a little longer before its password is checked (see backoffMs), so guessing from many addresses
 * slows down too, but nobody is ever locked out: the right password still signs in, from any
 * other address, after the wait.
 */
export interface LoginLimits {
  maxFailures: number;
  windowMs: number;
}

export interface LoginState {
  /** Failures of this account from this address in the current window, and the ms until it ends. */
  pair: { count: number; retryAfterMs: number };
  /** Failures of this account from every address in the current window. */
  account: number;
}

/** First wait once the account's free failures are used up; it doubles per failure after that. */
export const BACKOFF_START_MS = 1000;
/** The longest wait: long enough to make a guessing run slow, short enough for a person to sit out. */
export const BACKOFF_MAX_MS = 15_000;

/** How long an attempt on an account with `failures` recent failures waits before its password is checked. */
export function backoffMs(failures: number, maxFailures: number): number {
  if (failures < maxFailures) return 0;
  return Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** Math.min(failures - maxFailures, 16));
}

export async function loginState(redis: Redis, keys: StoreKeys, user: string, address: string): Promise<LoginState> {
  const pair = keys.loginFailures(user, address);
  const res = await redis.multi().get(pair).pttl(pair).get(keys.loginAccountFailures(user)).exec();
  return {
    pair: { count: Number(res?.[0]?.[1] ?? 0), retryAfterMs: Math.max(0, Number(res?.[1]?.[1] ?? 0)) },
    account: Number(res?.[2]?.[1] ?? 0),
  };
}

/** Each window starts at its first failure (SET NX PX), so waiting it out always works. */
export async function recordLoginFailure(redis: Redis, keys: StoreKeys, user: string, address: string, windowMs: number): Promise<void> {
  const pair = keys.loginFailures(user, address);
  const account = keys.loginAccountFailures(user);
  await redis.multi().set(pair, 0, 'PX', windowMs, 'NX').incr(pair).set(account, 0, 'PX', windowMs, 'NX').incr(account).exec();
}

/** A successful sign-in proves the person: their address and their account start afresh. */
export async function clearLoginFailures(redis: Redis, keys: StoreKeys, user: string, address: string): Promise<void> {
  await redis.del(keys.loginFailures(user, address), keys.loginAccountFailures(user));
}
