import type { Redis } from 'ioredis';
import type { Mention } from '../mention.js';
import type { TriageResult } from '../triage/types.js';
import { decodeMention, decodeTriage, encodeMention, encodeTriage } from './codec.js';
import { authorKey, type StoreKeys } from './keys.js';
import { runScript } from './scripts.js';

/**
 * Stores a page of mentions and reports which ones must be handed on. A mention is new when its
 * key did not exist (platform + id, checked atomically). One that exists but never got past the
 * "new" stage is handed on again: that is the crash between storing and enqueueing.
 * KEYS per mention: mention, author profile, author events; then the timeline. ARGV: retention,
 * now, then per mention its stored form, time, id, handle, name, platform, author URL, followers.
 */
const INGEST = `
local n = (#KEYS - 1) / 3
local ttl = tonumber(ARGV[1])
local created, again = {}, {}
for i = 1, n do
  local mkey, akey, ekey = KEYS[3*i-2], KEYS[3*i-1], KEYS[3*i]
  local base = 2 + (i-1)*8
  local json, score, mid = ARGV[base+1], ARGV[base+2], ARGV[base+3]
  if redis.call('EXISTS', mkey) == 0 then
    redis.call('HSET', mkey, 'd', json, 's', 'new')
    redis.call('PEXPIRE', mkey, ttl)
    redis.call('ZADD', ekey, score, 'm:' .. mid)
    redis.call('ZREMRANGEBYSCORE', ekey, '-inf', '(' .. (tonumber(ARGV[2]) - ttl))
    redis.call('PEXPIRE', ekey, ttl)
    redis.call('HSET', akey, 'handle', ARGV[base+4], 'name', ARGV[base+5], 'platform', ARGV[base+6], 'url', ARGV[base+7], 'followers', ARGV[base+8], 'lastSeen', score)
    redis.call('HSETNX', akey, 'firstSeen', score)
    redis.call('HINCRBY', akey, 'mentions', 1)
    redis.call('PEXPIRE', akey, ttl)
    redis.call('ZADD', KEYS[#KEYS], score, mid)
    created[#created+1] = mid
  elseif redis.call('HGET', mkey, 's') == 'new' then
    again[#again+1] = mid
  end
end
-- The timeline keeps what the retention keeps.
redis.call('ZREMRANGEBYSCORE', KEYS[#KEYS], '-inf', '(' .. (tonumber(ARGV[2]) - ttl))
return {created, again}`;

export interface Ingested {
  /** Stored for the first time. */
  created: string[];
  /** Everything to hand to triage: the new ones plus any stuck at the "new" stage. */
  handOn: string[];
}

export async function ingestMentions(redis: Redis, keys: StoreKeys, mentions: Mention[], retentionMs: number): Promise<Ingested> {
  if (mentions.length === 0) return { created: [], handOn: [] };
  const redisKeys: string[] = [];
  const args: Array<string | number> = [retentionMs, Date.now()];
  for (const m of mentions) {
    const ak = authorKey(m.platform, m.author.id);
    redisKeys.push(keys.mention(m.id), keys.author(ak), keys.authorEvents(ak));
    args.push(encodeMention(m), Date.parse(m.createdAt), m.id, m.author.handle, m.author.name, m.platform, m.author.url ?? '', m.author.followers ?? -1);
  }
  redisKeys.push(keys.timeline);
  const [created, again] = (await runScript(redis, 'earshotIngestV2', INGEST, redisKeys, args)) as [string[], string[]];
  return { created, handOn: [...created, ...again] };
}

export interface StoredMention {
  mention: Mention;
  triage: TriageResult | null;
  stage: string;
}

/** Loads many mentions in one round trip; ids that expired or never existed are skipped. */
// Stored JSON was validated on the way in, so it is trusted here (no re-parse on the hot path).
export async function loadMentions(redis: Redis, keys: StoreKeys, ids: string[]): Promise<Map<string, StoredMention>> {
  const out = new Map<string, StoredMention>();
  if (ids.length === 0) return out;
  const pipe = redis.pipeline();
  for (const id of ids) pipe.hmget(keys.mention(id), 'd', 't', 's');
  const rows = (await pipe.exec()) ?? [];
  rows.forEach(([err, value], i) => {
    const [d, t, s] = (value ?? []) as Array<string | null>;
    if (err || !d) return;
    const id = ids[i] as string;
    out.set(id, { mention: decodeMention(id, d), triage: t ? decodeTriage(t) : null, stage: s ?? 'new' });
  });
  return out;
}

// The stage only moves forward: a triage job run twice (a worker killed after its route job was
// queued, so BullMQ runs it again) must not put a routed mention back to "triaged", where no route
// job would ever pick it up again (the route job's id is taken by the one that already ran).
const SAVE_TRIAGE = `
for i = 1, #KEYS do
  -- An expired mention is not brought back as a hash without its post (and without a TTL).
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('HSET', KEYS[i], 't', ARGV[i])
    if redis.call('HGET', KEYS[i], 's') == 'new' then redis.call('HSET', KEYS[i], 's', 'triaged') end
  end
end
return #KEYS`;

export async function saveTriage(redis: Redis, keys: StoreKeys, results: Array<{ id: string; triage: TriageResult }>): Promise<void> {
  if (results.length === 0) return;
  await runScript(redis, 'earshotSaveTriage', SAVE_TRIAGE, results.map((r) => keys.mention(r.id)), results.map((r) => encodeTriage(r.triage)));
}

/** Marks mentions as routed so a re-fetch of the same post never routes it again. */
export async function markStage(redis: Redis, keys: StoreKeys, ids: string[], stage: string): Promise<void> {
  if (ids.length === 0) return;
  const pipe = redis.pipeline();
  for (const id of ids) pipe.hset(keys.mention(id), 's', stage);
  await pipe.exec();
}
