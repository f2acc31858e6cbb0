import type { Redis } from 'ioredis';
import type { TriageContext } from '../triage/types.js';
import { authorKey, type StoreKeys } from './keys.js';

const WEEK_MS = 7 * 86_400_000;

export interface AuthorRef {
  platform: string;
  authorId: string;
}

/**
 * Triage context for many authors in one round trip. Counts exclude the mention being triaged
 * (`before` its timestamp), so a first post is never its own "repeat contact".
 */
export async function authorContexts(
  redis: Redis,
  keys: StoreKeys,
  refs: Array<AuthorRef & { before: number }>,
): Promise<Array<TriageContext['author']>> {
  if (refs.length === 0) return [];
  const pipe = redis.pipeline();
  for (const ref of refs) {
    const ak = authorKey(ref.platform, ref.authorId);
    pipe.zcount(keys.authorEvents(ak), '-inf', `(${ref.before}`);
    pipe.zcount(keys.authorEvents(ak), ref.before - WEEK_MS, `(${ref.before}`);
    pipe.hmget(keys.author(ak), 'complaints', 'replies');
  }
  const rows = (await pipe.exec()) ?? [];
  return refs.map((_, i) => {
    const [prior, recent, counts] = [rows[3 * i]?.[1], rows[3 * i + 1]?.[1], rows[3 * i + 2]?.[1]];
    const [complaints, replies] = (counts ?? []) as Array<string | null>;
    const priorMentions = Number(prior ?? 0);
    return {
      priorMentions,
      recentMentions: Number(recent ?? 0),
      // Event counts can include the current mention's own complaint flag after a re-triage.
      priorComplaints: Math.min(Number(complaints ?? 0), priorMentions),
      repliesSent: Number(replies ?? 0),
    };
  });
}

/** Counts complaints per author once, when a mention is first routed, for later repeat-contact checks. */
export async function recordComplaints(redis: Redis, keys: StoreKeys, refs: AuthorRef[]): Promise<void> {
  if (refs.length === 0) return;
  const pipe = redis.pipeline();
  for (const ref of refs) pipe.hincrby(keys.author(authorKey(ref.platform, ref.authorId)), 'complaints', 1);
  await pipe.exec();
}

export async function recordReplySent(redis: Redis, keys: StoreKeys, ref: AuthorRef, itemId: string, at: number): Promise<void> {
  const ak = authorKey(ref.platform, ref.authorId);
  await redis
    .multi()
    .zadd(keys.authorEvents(ak), at, `r:${itemId}`)
    .hincrby(keys.author(ak), 'replies', 1)
    .exec();
}

export interface AuthorHistory {
  profile: Record<string, string>;
  events: Array<{ kind: 'mention' | 'reply'; id: string; at: number }>;
}

/** Every post we stored from this person and every reply we sent them, newest first. */
export async function authorHistory(redis: Redis, keys: StoreKeys, ref: AuthorRef, limit = 50): Promise<AuthorHistory> {
  const ak = authorKey(ref.platform, ref.authorId);
  const [profile, raw] = await Promise.all([
    redis.hgetall(keys.author(ak)),
    redis.zrevrange(keys.authorEvents(ak), 0, limit - 1, 'WITHSCORES'),
  ]);
  const events: AuthorHistory['events'] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const member = raw[i] as string;
    events.push({ kind: member.startsWith('r:') ? 'reply' : 'mention', id: member.slice(2), at: Number(raw[i + 1]) });
  }
  return { profile, events };
}
