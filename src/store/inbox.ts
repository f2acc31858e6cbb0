import type { Redis } from 'ioredis';
import { auditJson, AUDIT_MAXLEN } from './audit.js';
import type { StoreKeys } from './keys.js';
import { runScript } from './scripts.js';

export const ItemStatuses = ['new', 'assigned', 'awaiting_second', 'approved', 'publishing', 'posted', 'rejected', 'needs_check', 'failed'] as const;
export type ItemStatus = (typeof ItemStatuses)[number];
export type Priority = 'urgent' | 'normal';

export interface InboxItem {
  id: string;
  brandId: string;
  sourceId: string;
  platform: string;
  priority: Priority;
  status: ItemStatus;
  urgency: number;
  category: string;
  sentiment: string;
  createdAt: number;
  routedAt: number;
  updatedAt: number;
  slaDueAt: number;
  draft: string;
  draftTemplate: string;
  draftWarnings: string[];
  draftVersion: number;
  draftEdited: boolean;
  /** How many times it was approved or resent; part of the publish job id. */
  approvals: number;
  assignee: string | null;
  approvedBy: string | null;
  approvedAt: number | null;
  replyId: string | null;
  replyUrl: string | null;
  postedAt: number | null;
  lastError: string | null;
  rejectReason: string | null;
  /** Hidden from the default queue until then (ms); the status does not change. */
  snoozedUntil: number | null;
  /** With two approvals: who gave the first, and for which draft version. */
  firstApprovedBy: string | null;
  firstApprovedVersion: number | null;
}

export type NewItem = Pick<InboxItem, 'id' | 'brandId' | 'sourceId' | 'platform' | 'priority' | 'urgency' | 'category' | 'sentiment' | 'createdAt' | 'slaDueAt' | 'draft' | 'draftTemplate' | 'draftWarnings'>;

/** Pub/sub channel for inbox changes (ids and actions only: no post text goes over it). */
export function inboxEventsChannel(keys: StoreKeys): string {
  return `${keys.inbox}:events`;
}

export interface InboxEvent {
  action: string;
  ids: string[];
  status?: string;
  at: number;
}

/**
 * Tells live inboxes something changed: one PUBLISH per store call, never per mention. Best
 * effort: the change is already stored, and a lost event only delays a screen until its next poll.
 */
async function announce(redis: Redis, keys: StoreKeys, event: Omit<InboxEvent, 'at'>): Promise<void> {
  try {
    await redis.publish(inboxEventsChannel(keys), JSON.stringify({ ...event, at: Date.now() }));
  } catch {
    // Ignored on purpose, see above.
  }
}

const CREATE = `
local created = {}
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS - 1 do
  if redis.call('EXISTS', KEYS[i]) == 0 then
    local fields = cjson.decode(ARGV[i + 2])
    local flat = {}
    for k, v in pairs(fields) do flat[#flat + 1] = k; flat[#flat + 1] = v end
    redis.call('HSET', KEYS[i], unpack(flat))
    redis.call('PEXPIRE', KEYS[i], ttl)
    redis.call('ZADD', KEYS[#KEYS], fields.createdAt, fields.id)
    created[#created + 1] = fields.id
  end
end
-- Index entries older than the retention go too (their items have expired).
redis.call('ZREMRANGEBYSCORE', KEYS[#KEYS], '-inf', '(' .. (tonumber(ARGV[2]) - ttl))
return created`;

/** Creates inbox items that do not exist yet (a re-routed mention never gets a second item). Returns the ids created. */
export async function createItems(redis: Redis, keys: StoreKeys, items: NewItem[], retentionMs: number): Promise<string[]> {
  if (items.length === 0) return [];
  const now = Date.now();
  const args = items.map((item) =>
    JSON.stringify({
      ...item,
      draftWarnings: JSON.stringify(item.draftWarnings),
      status: 'new',
      routedAt: now,
      updatedAt: now,
      draftVersion: 1,
      draftEdited: 0,
    }),
  );
  // The audit log records what people and publishing did; an item's creation is read from the
  // item itself (see itemAudit), so a flood of new mentions does not push that history out.
  const redisKeys = [...items.map((i) => keys.item(i.id)), keys.inbox];
  const created = (await runScript(redis, 'earshotCreateItemsV3', CREATE, redisKeys, [retentionMs, now, ...args])) as string[];
  if (created.length) await announce(redis, keys, { action: 'inbox.created', ids: created });
  return created;
}

const NUMBER_FIELDS = new Set(['urgency', 'createdAt', 'routedAt', 'updatedAt', 'slaDueAt', 'draftVersion', 'approvals']);
const NULLABLE_NUMBER_FIELDS = new Set(['approvedAt', 'postedAt', 'snoozedUntil', 'firstApprovedVersion']);

export function decodeItem(raw: Record<string, string>): InboxItem | null {
  if (!raw['id'] || !raw['status']) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (NUMBER_FIELDS.has(k)) out[k] = Number(v);
    else if (NULLABLE_NUMBER_FIELDS.has(k)) out[k] = v === '' ? null : Number(v);
    else out[k] = v;
  }
  out['draftWarnings'] = raw['draftWarnings'] ? (JSON.parse(raw['draftWarnings']) as string[]) : [];
  out['draftEdited'] = raw['draftEdited'] === '1';
  out['approvals'] ??= 0;
  for (const k of ['assignee', 'approvedBy', 'replyId', 'replyUrl', 'lastError', 'rejectReason', 'approvedAt', 'postedAt', 'snoozedUntil', 'firstApprovedBy', 'firstApprovedVersion']) out[k] ??= null;
  for (const k of ['assignee', 'firstApprovedBy']) if (out[k] === '') out[k] = null;
  return out as unknown as InboxItem;
}

export async function getItem(redis: Redis, keys: StoreKeys, id: string): Promise<InboxItem | null> {
  return decodeItem(await redis.hgetall(keys.item(id)));
}

export async function getItems(redis: Redis, keys: StoreKeys, ids: string[]): Promise<InboxItem[]> {
  const pipe = redis.pipeline();
  for (const id of ids) pipe.hgetall(keys.item(id));
  const rows = (await pipe.exec()) ?? [];
  return rows.map(([, raw]) => decodeItem((raw ?? {}) as Record<string, string>)).filter((x): x is InboxItem => x !== null);
}

/** Newest `scan` items by mention time; expired ones drop out of the index as they are seen. */
export async function listItemIds(redis: Redis, keys: StoreKeys, scan: number): Promise<string[]> {
  return redis.zrevrange(keys.inbox, 0, scan - 1);
}

export async function pruneIndex(redis: Redis, keys: StoreKeys, missing: string[]): Promise<void> {
  if (missing.length) await redis.zrem(keys.inbox, ...missing);
}

const TRANSITION = `
local cur = redis.call('HGET', KEYS[1], 'status')
if not cur then return {'missing', ''} end
if not string.find(',' .. ARGV[1] .. ',', ',' .. cur .. ',', 1, true) then return {'conflict', cur} end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], 'draftVersion') ~= ARGV[2] then return {'stale', cur} end
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ${AUDIT_MAXLEN}, '*', 'entry', ARGV[3])
return {'ok', cur}`;

export type TransitionResult = { ok: true; from: ItemStatus } | { ok: false; why: 'missing' | 'conflict' | 'stale'; status: string };

/**
 * Compare-and-set on status (and optionally draft version) with its audit entry, in one atomic
 * step: two people approving at once, or a worker and a person racing, cannot both win.
 */
export async function transition(
  redis: Redis,
  keys: StoreKeys,
  id: string,
  change: { from: readonly ItemStatus[]; draftVersion?: number; set: Record<string, string | number>; actor: string; action: string; detail?: Record<string, unknown> },
): Promise<TransitionResult> {
  const fields = Object.entries({ ...change.set, updatedAt: Date.now() }).flatMap(([k, v]) => [k, String(v)]);
  const audit = auditJson(change.actor, change.action, id, change.detail);
  const res = (await runScript(redis, 'earshotTransition', TRANSITION, [keys.item(id), keys.audit], [
    change.from.join(','),
    change.draftVersion === undefined ? '' : String(change.draftVersion),
    audit,
    ...fields,
  ])) as [string, string];
  if (res[0] === 'ok') {
    const status = change.set['status'];
    await announce(redis, keys, { action: change.action, ids: [id], ...(status !== undefined ? { status: String(status) } : {}) });
    return { ok: true, from: res[1] as ItemStatus };
  }
  return { ok: false, why: res[0] as 'missing' | 'conflict' | 'stale', status: res[1] };
}
