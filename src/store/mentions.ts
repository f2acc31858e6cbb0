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

/** What a list shows of a post: never the whole text (posts may be 40,000 characters). */
export interface MentionPreview {
  platform: string;
  url: string | null;
  /** The first `textBytes` bytes of the post, cut on a character boundary. */
  text: string;
  createdAt: string;
  author: { handle: string; name: string; followers: number | null; url: string | null };
}

/**
 * Decodes each stored mention inside Redis and returns only a preview, so a list never moves or
 * parses whole posts: the reply holds at most `textBytes` of post text per id. With a pattern (see
 * searchPattern) only mentions whose text, handle or name match come back, unless the id's flag
 * in ARGV says "wanted anyway" (it matched elsewhere, in the draft). A value cjson cannot read
 * comes back as '!' and the caller reads that one the long way.
 */
const PREVIEWS = `
local maxBytes = tonumber(ARGV[1])
local pattern = ARGV[2]
local function cut(s)
  if #s <= maxBytes then return s end
  local i = maxBytes
  while i > 0 do
    local b = string.byte(s, i + 1)
    if b < 128 or b >= 192 then break end
    i = i - 1
  end
  return string.sub(s, 1, i)
end
local function str(v) if type(v) == 'string' then return v end return '' end
local function val(v) if v == nil then return cjson.null end return v end
local out = {}
for i = 1, #KEYS do
  local row = redis.call('HMGET', KEYS[i], 'd', 't')
  local entry = false
  if row[1] then
    local ok, m = pcall(cjson.decode, row[1])
    if not ok or type(m) ~= 'table' then
      entry = {'!', row[2] or false}
    else
      local p
      if m[1] == nil then
        local a = type(m.author) == 'table' and m.author or {}
        p = {val(m.platform), val(m.url), str(m.text), val(m.createdAt), {val(a.handle), val(a.name), val(a.followers), val(a.url)}}
      else
        local a = type(m[9]) == 'table' and m[9] or {}
        p = {m[1], m[5], str(m[6]), m[8], {val(a[2]), val(a[3]), val(a[4]), val(a[5])}}
      end
      local wanted = pattern == '' or ARGV[i + 2] == '1' or string.find(p[3], pattern) or string.find(str(p[5][1]), pattern) or string.find(str(p[5][2]), pattern)
      if wanted then
        p[3] = cut(p[3])
        entry = {cjson.encode(p), row[2] or false}
      end
    end
  end
  out[i] = entry
end
return out`;

/** Keys per script call: one call's work in Redis stays short, and a search can stop early. */
export const PREVIEW_CHUNK = 200;

export interface PreviewQuery {
  textBytes: number;
  /** From searchPattern; omitted: every id that exists. */
  pattern?: Buffer;
  /** Ids to return even when the pattern does not match them. */
  wanted?: ReadonlySet<string>;
}

export async function loadPreviews(redis: Redis, keys: StoreKeys, ids: string[], query: PreviewQuery): Promise<Map<string, { preview: MentionPreview; triage: TriageResult | null }>> {
  const out = new Map<string, { preview: MentionPreview; triage: TriageResult | null }>();
  if (ids.length === 0) return out;
  const flags = ids.map((id) => (query.wanted?.has(id) ? '1' : '0'));
  const args = [query.textBytes, query.pattern ?? '', ...flags] as unknown as Array<string | number>;
  const rows = (await runScript(redis, 'earshotPreviewsV1', PREVIEWS, ids.map((id) => keys.mention(id)), args)) as Array<[string, string | null] | null>;
  const unreadable: string[] = [];
  rows.forEach((row, i) => {
    if (!row) return;
    const id = ids[i] as string;
    if (row[0] === '!') return void unreadable.push(id);
    const [platform, url, text, createdAt, [handle, name, followers, authorUrl]] = JSON.parse(row[0]) as [string, string | null, string, string, [string, string, number | null, string | null]];
    out.set(id, { preview: { platform, url, text, createdAt, author: { handle, name, followers, url: authorUrl } }, triage: row[1] ? decodeTriage(row[1]) : null });
  });
  // Rare (a value written by a much older version): one at a time, so still one post in memory.
  for (const id of unreadable) {
    const stored = (await loadMentions(redis, keys, [id])).get(id);
    if (!stored) continue;
    const m = stored.mention;
    if (query.pattern && !query.wanted?.has(id)) continue;
    const preview = { platform: m.platform, url: m.url, text: m.text.slice(0, query.textBytes), createdAt: m.createdAt, author: { handle: m.author.handle, name: m.author.name, followers: m.author.followers, url: m.author.url } };
    out.set(id, { preview, triage: stored.triage });
  }
  return out;
}

const LUA_MAGIC = new Set('^$()%.[]*+-?');

/**
 * A Lua pattern matching `q` without regard to case, byte for byte on UTF-8, so the search runs
 * inside Redis: ASCII letters become [aA], punctuation is escaped, and a non-ASCII letter becomes a
 * class per byte over its case forms (ä/Ä share the first byte: \xC3[\xA4\x84]). Letters whose case
 * forms differ in length match their lower case only.
 */
export function searchPattern(q: string): Buffer {
  const parts: Buffer[] = [];
  for (const ch of q.toLowerCase()) parts.push(charPattern(ch));
  return Buffer.concat(parts);
}

function charPattern(ch: string): Buffer {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20) return Buffer.from('.');
  const forms = [...new Set([ch, ch.toUpperCase()])].filter((f) => [...f].length === 1).map((f) => Buffer.from(f, 'utf8'));
  const [first] = forms;
  if (!first) return Buffer.from(ch, 'utf8');
  if (first.length === 1 && forms.length === 1) return Buffer.from(LUA_MAGIC.has(ch) || !/[A-Za-z0-9]/.test(ch) ? `%${ch}` : ch);
  if (forms.some((f) => f.length !== first.length)) return first;
  const bytes: number[] = [];
  for (let i = 0; i < first.length; i++) {
    const options = [...new Set(forms.map((f) => f[i] as number))];
    if (options.length === 1) bytes.push(options[0] as number);
    else bytes.push(0x5b, ...options, 0x5d);
  }
  return Buffer.from(bytes);
}
