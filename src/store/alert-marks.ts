import type { StoreCtx } from './context.js';
import { runScript } from './scripts.js';

/**
 * What alerting keeps in Redis, all of it transient: which alerts went where (so a re-run does
 * not send again), a destination switched off by 410 Gone, each destination's per-minute share
 * of single alerts, the urgent items held for the next digest, and the SLA reminders due.
 */

/** True when `subject` was already delivered to (or refused for good by) the destination. */
export async function alertMarked(s: StoreCtx, subject: string, destinationId: string): Promise<boolean> {
  return (await s.redis.exists(s.keys.alertSent(subject, destinationId))) > 0;
}

export async function markAlert(s: StoreCtx, subject: string, destinationId: string, value: string, ttlMs: number): Promise<void> {
  await s.redis.set(s.keys.alertSent(subject, destinationId), value, 'PX', ttlMs);
}

/** The fingerprint of the URL that answered 410 Gone for this destination, if one did. */
export function goneFingerprint(s: StoreCtx, destinationId: string): Promise<string | null> {
  return s.redis.get(s.keys.chatGone(destinationId));
}

export async function markGone(s: StoreCtx, destinationId: string, fingerprint: string): Promise<void> {
  await s.redis.set(s.keys.chatGone(destinationId), fingerprint);
}

// Grants up to ARGV[1] single alerts from this minute's allowance ARGV[2]: one atomic step, so
// several workers routing at once share one allowance.
const TAKE = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local take = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used)
if take <= 0 then return 0 end
redis.call('INCRBY', KEYS[1], take)
redis.call('PEXPIRE', KEYS[1], 120000)
return take`;

/** How many of `wanted` single alerts the destination may still send in the minute starting at `window`. */
export async function takeAlertShare(s: StoreCtx, destinationId: string, window: number, wanted: number, limit: number): Promise<number> {
  return Number(await runScript(s.redis, 'earshotAlertBudget', TAKE, [s.keys.alertBudget(destinationId, window)], [wanted, limit]));
}

/** Holds urgent items for the destination's next digest, scored by urgency (the digest lists the most urgent). */
export async function holdForDigest(s: StoreCtx, destinationId: string, items: Array<{ id: string; urgency: number }>, ttlMs: number): Promise<void> {
  const key = s.keys.alertHeld(destinationId);
  await s.redis.multi().zadd(key, ...items.flatMap((i) => [i.urgency, i.id])).pexpire(key, ttlMs).exec();
}

// Takes what is held as a snapshot (RENAME is atomic: items held from now on wait for the next
// digest). A snapshot left by a failed send is sent again first, so nothing held is lost.
const SNAPSHOT = `
if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
end
return redis.call('ZCARD', KEYS[2])`;

/** The digest's snapshot of held items: how many, and the `top` most urgent ids. */
export async function digestSnapshot(s: StoreCtx, destinationId: string, ttlMs: number, top: number): Promise<{ count: number; ids: string[] }> {
  const snapshot = s.keys.alertDigest(destinationId);
  const count = Number(await runScript(s.redis, 'earshotDigestSnapshot', SNAPSHOT, [s.keys.alertHeld(destinationId), snapshot], [ttlMs]));
  return { count, ids: count > 0 ? await s.redis.zrevrange(snapshot, 0, top - 1) : [] };
}

/** After the digest was delivered (or could not be): its snapshot goes. */
export async function dropDigestSnapshot(s: StoreCtx, destinationId: string): Promise<void> {
  await s.redis.del(s.keys.alertDigest(destinationId));
}

/** SLA reminders as (due time, member) pairs; NX: an existing reminder keeps its time. */
export async function addReminders(s: StoreCtx, reminders: Array<{ at: number; member: string }>): Promise<void> {
  if (reminders.length === 0) return;
  await s.redis.zadd(s.keys.slaDue, 'NX', ...reminders.flatMap((r) => [r.at, r.member]));
}

/** Up to `limit` reminders due by `now`, soonest first. */
export async function dueReminders(s: StoreCtx, now: number, limit: number): Promise<Array<{ member: string; at: number }>> {
  const flat = await s.redis.zrangebyscore(s.keys.slaDue, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit);
  const out: Array<{ member: string; at: number }> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ member: flat[i] as string, at: Number(flat[i + 1]) });
  return out;
}

export async function removeReminder(s: StoreCtx, member: string): Promise<void> {
  await s.redis.zrem(s.keys.slaDue, member);
}

/** True the first time a signed Slack request is seen within `ttlMs`; false for a replay. */
export async function firstSighting(s: StoreCtx, timestamp: string, signature: string, ttlMs: number): Promise<boolean> {
  return (await s.redis.set(s.keys.slackSeen(timestamp, signature), '1', 'PX', ttlMs, 'NX')) === 'OK';
}
