import type { StoreCtx } from './context.js';
import { runScript } from './scripts.js';

/**
 * What alerting keeps in Redis, all of it transient: which alerts went where (so a re-run does
 * not send again), a destination switched off by 410 Gone, each destination's per-minute share
 * of single alerts and the urgent items held for the next digest (SLA reminders are on the
 * items in PostgreSQL, see sla-reminders.ts).
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

// Adds the items (ARGV[3..]) to the held set, counts those not held yet, and keeps only the
// ARGV[2] most urgent: a digest lists a few of them and says how many there were, so a storm of
// thousands of urgent posts holds a few dozen ids in Redis, not one per post.
const HOLD = `
local added = redis.call('ZADD', KEYS[1], unpack(ARGV, 3))
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[2]) + 1))
redis.call('INCRBY', KEYS[2], added)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return added`;

/** Holds urgent items for the destination's next digest, scored by urgency; only the `keep` most urgent ids stay, with a count of all. */
export async function holdForDigest(
  s: StoreCtx,
  destinationId: string,
  items: Array<{ id: string; urgency: number }>,
  ttlMs: number,
  keep: number,
): Promise<void> {
  if (items.length === 0) return;
  const keys = [s.keys.alertHeld(destinationId), s.keys.alertHeldCount(destinationId)];
  await runScript(s.redis, 'earshotHoldForDigest', HOLD, keys, [ttlMs, keep, ...items.flatMap((i) => [i.urgency, i.id])]);
}

// Takes what is held as a snapshot (RENAME is atomic: items held from now on wait for the next
// digest). A snapshot left by a failed send is sent again first, so nothing held is lost.
// Returns how many were held (the count; the set keeps only the most urgent of them).
const SNAPSHOT = `
if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
  if redis.call('EXISTS', KEYS[3]) == 1 then
    redis.call('RENAME', KEYS[3], KEYS[4])
    redis.call('PEXPIRE', KEYS[4], ARGV[1])
  end
end
local n = tonumber(redis.call('GET', KEYS[4]) or '0')
return math.max(n, redis.call('ZCARD', KEYS[2]))`;

/** The digest's snapshot of held items: how many, and the `top` most urgent ids. */
export async function digestSnapshot(
  s: StoreCtx,
  destinationId: string,
  ttlMs: number,
  top: number,
): Promise<{ count: number; ids: string[] }> {
  const snapshot = s.keys.alertDigest(destinationId);
  const keys = [s.keys.alertHeld(destinationId), snapshot, s.keys.alertHeldCount(destinationId), s.keys.alertDigestCount(destinationId)];
  const count = Number(await runScript(s.redis, 'earshotDigestSnapshot', SNAPSHOT, keys, [ttlMs]));
  return { count, ids: count > 0 ? await s.redis.zrevrange(snapshot, 0, top - 1) : [] };
}

/** After the digest was delivered (or could not be): its snapshot goes. */
export async function dropDigestSnapshot(s: StoreCtx, destinationId: string): Promise<void> {
  await s.redis.del(s.keys.alertDigest(destinationId), s.keys.alertDigestCount(destinationId));
}

/** True the first time a signed Slack request is seen within `ttlMs`; false for a replay. */
export async function firstSighting(s: StoreCtx, timestamp: string, signature: string, ttlMs: number): Promise<boolean> {
  return (await s.redis.set(s.keys.slackSeen(timestamp, signature), '1', 'PX', ttlMs, 'NX')) === 'OK';
}
