import { inboxEventsChannel } from './inbox.js';
import type { StoreCtx } from './context.js';
import { runScript } from './scripts.js';

export type PresenceState = 'viewing' | 'typing';
export interface PresenceEntry {
  user: string;
  state: PresenceState;
  /** Milliseconds until it expires unless renewed (relative, so client clocks do not matter). */
  ms: number;
}

/** A viewer renews every 15 s; a closed tab without a goodbye disappears after this. */
export const VIEWING_TTL_MS = 40_000;
/** Typing is renewed while keys are pressed; a pause this long reads as stopped. */
export const TYPING_TTL_MS = 8_000;

/**
 * One step per heartbeat: drop expired entries, replace this user's entry (or remove it for
 * 'gone'), keep the key alive, and say whether what others see changed (so only changes are
 * announced, not every heartbeat). Returns {changed, member, score, member, score, ...}.
 */
const HEARTBEAT = `
local now = tonumber(ARGV[1])
local expires = tonumber(ARGV[2])
local user = ARGV[3]
local state = ARGV[4]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local had = nil
if redis.call('ZSCORE', KEYS[1], 'viewing|' .. user) then had = 'viewing' end
if redis.call('ZSCORE', KEYS[1], 'typing|' .. user) then had = 'typing' end
redis.call('ZREM', KEYS[1], 'viewing|' .. user, 'typing|' .. user)
if state ~= 'gone' then
  redis.call('ZADD', KEYS[1], expires, state .. '|' .. user)
  local last = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[5]) or '0')
  if expires > last then redis.call('ZADD', KEYS[2], expires, ARGV[5]) end
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[6]))
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local changed = 0
if (state == 'gone' and had) or (state ~= 'gone' and had ~= state) then changed = 1 end
local out = { changed }
for _, v in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf', 'WITHSCORES')) do out[#out + 1] = v end
return out
`;

function entries(flat: unknown[], now: number): PresenceEntry[] {
  const out: PresenceEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const member = String(flat[i]);
    const bar = member.indexOf('|');
    const state = member.slice(0, bar);
    if (state !== 'viewing' && state !== 'typing') continue;
    out.push({ user: member.slice(bar + 1), state, ms: Math.max(0, Number(flat[i + 1]) - now) });
  }
  return out;
}

/** Records a heartbeat and, when others would see a difference, tells every live inbox. */
export async function heartbeat(
  s: StoreCtx,
  itemId: string,
  user: string,
  state: PresenceState | 'gone',
  now = Date.now(),
): Promise<PresenceEntry[]> {
  const ttl = state === 'typing' ? TYPING_TTL_MS : VIEWING_TTL_MS;
  const raw = (await runScript(
    s.redis,
    'earshotPresence',
    HEARTBEAT,
    [s.keys.presence(itemId), s.keys.presenceItems],
    [now, now + ttl, user, state, itemId, VIEWING_TTL_MS],
  )) as unknown[];
  const present = entries(raw.slice(1), now);
  if (Number(raw[0]) === 1) await announcePresence(s, itemId, present);
  return present;
}

async function announcePresence(s: StoreCtx, itemId: string, present: PresenceEntry[]): Promise<void> {
  try {
    await s.redis.publish(
      inboxEventsChannel(s.keys),
      JSON.stringify({ action: 'presence', ids: [itemId], presence: present, at: Date.now() }),
    );
  } catch {
    // Best effort like every inbox event: the next heartbeat's reader sees the current state.
  }
}

export async function presenceOn(s: StoreCtx, itemId: string, now = Date.now()): Promise<PresenceEntry[]> {
  return entries(await s.redis.zrangebyscore(s.keys.presence(itemId), now, '+inf', 'WITHSCORES'), now);
}

/** Everyone on any item right now (a team is small: one read per active item). */
export async function presenceAll(s: StoreCtx, now = Date.now()): Promise<Record<string, PresenceEntry[]>> {
  const ids = (await s.redis.zrangebyscore(s.keys.presenceItems, now, '+inf')).slice(0, 200);
  const pipe = s.redis.pipeline();
  for (const id of ids) pipe.zrangebyscore(s.keys.presence(id), now, '+inf', 'WITHSCORES');
  const results = (await pipe.exec()) ?? [];
  const out: Record<string, PresenceEntry[]> = {};
  ids.forEach((id, i) => {
    const list = entries((results[i]?.[1] as unknown[] | undefined) ?? [], now);
    if (list.length) out[id] = list;
  });
  return out;
}
