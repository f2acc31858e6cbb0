import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { storeKeys } from './keys.js';

export interface SessionTimes {
  idleMs: number;
  absoluteMs: number;
  /** The clock both limits are judged by (AppContext.now); Redis's own expiry only clears keys no one can use any more. */
  now: () => number;
}

export interface Session {
  user: string;
  csrf: string;
  createdAt: number;
}

/**
 * Keys hold a hash of the session id, never the id itself: someone who can read Redis (a backup,
 * MONITOR) still cannot sign in as anyone.
 */
function sessionKey(prefix: string, id: string): string {
  return `${prefix}:session:${createHash('sha256').update(id).digest('base64url')}`;
}

/** A fresh random id per sign-in (no fixation); the CSRF token is bound to it and lives as long. */
export async function createSession(
  redis: Redis,
  prefix: string,
  user: string,
  times: SessionTimes,
): Promise<{ id: string; session: Session }> {
  const id = randomBytes(32).toString('base64url');
  const session: Session = { user, csrf: randomBytes(32).toString('base64url'), createdAt: times.now() };
  const index = storeKeys(prefix).userSessions(user);
  await redis
    .multi()
    .hset(sessionKey(prefix, id), 'user', session.user, 'csrf', session.csrf, 'createdAt', session.createdAt, 'seenAt', session.createdAt)
    .pexpire(sessionKey(prefix, id), Math.min(times.idleMs, times.absoluteMs))
    // The user's index outlives each session by at most the absolute limit; stale members only name deleted keys.
    .sadd(index, sessionKey(prefix, id))
    .pexpire(index, times.absoluteMs)
    .exec();
  return { id, session };
}

/**
 * Reads a session and, when it is still valid, records the activity and pushes its Redis expiry
 * back. Both limits are judged here by the clock, from the stored times: Redis's TTL follows the
 * wall clock and only garbage-collects.
 */
export async function touchSession(redis: Redis, prefix: string, id: string, times: SessionTimes): Promise<Session | null> {
  const key = sessionKey(prefix, id);
  const now = times.now();
  const raw = await redis.hgetall(key);
  if (!raw['user'] || !raw['csrf']) return null;
  const session: Session = { user: raw['user'], csrf: raw['csrf'], createdAt: Number(raw['createdAt']) };
  const seenAt = Number(raw['seenAt'] ?? raw['createdAt']);
  const left = session.createdAt + times.absoluteMs - now;
  if (!(left > 0) || !(now - seenAt < times.idleMs)) {
    await redis.del(key);
    return null;
  }
  await redis.multi().hset(key, 'seenAt', now).pexpire(key, times.idleMs).exec();
  // Never let the idle push carry a session past its absolute end.
  if (left < times.idleMs) await redis.pexpire(key, left);
  return session;
}

export async function deleteSession(redis: Redis, prefix: string, id: string): Promise<void> {
  await redis.del(sessionKey(prefix, id));
}

/** Still signed in? Unlike touchSession it does not count as activity (an open live stream is not a person). */
export async function sessionAlive(redis: Redis, prefix: string, id: string, session: Session, times: SessionTimes): Promise<boolean> {
  const now = times.now();
  if (session.createdAt + times.absoluteMs <= now) return false;
  const [seen, created] = await redis.hmget(sessionKey(prefix, id), 'seenAt', 'createdAt');
  const seenAt = Number(seen ?? created);
  return seenAt > 0 && now - seenAt < times.idleMs;
}

/** Ends every session of one user (disabled, password reset, "sign out everywhere"); returns how many were live. */
export async function revokeUserSessions(redis: Redis, prefix: string, user: string): Promise<number> {
  const index = storeKeys(prefix).userSessions(user);
  const keys = await redis.smembers(index);
  const res = await redis
    .multi()
    .del(...(keys.length ? keys : [index]))
    .del(index)
    .exec();
  return keys.length ? Number(res?.[0]?.[1] ?? 0) : 0;
}
