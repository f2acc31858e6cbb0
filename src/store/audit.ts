import type { Redis } from 'ioredis';
import type { StoreKeys } from './keys.js';

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  itemId?: string;
  detail?: Record<string, unknown>;
}

export const AUDIT_MAXLEN = 1_000_000;

export function auditJson(actor: string, action: string, itemId?: string, detail?: Record<string, unknown>): string {
  const entry: AuditEntry = { at: new Date().toISOString(), actor, action, ...(itemId ? { itemId } : {}), ...(detail ? { detail } : {}) };
  return JSON.stringify(entry);
}

/** Append-only: entries are only ever added (XADD); trimming keeps the newest million. */
export async function appendAudit(redis: Redis, keys: StoreKeys, actor: string, action: string, itemId?: string, detail?: Record<string, unknown>): Promise<void> {
  await redis.xadd(keys.audit, 'MAXLEN', '~', AUDIT_MAXLEN, '*', 'entry', auditJson(actor, action, itemId, detail));
}

export async function readAudit(redis: Redis, keys: StoreKeys, options: { itemId?: string; limit?: number } = {}): Promise<Array<AuditEntry & { id: string }>> {
  const limit = options.limit ?? 100;
  // Scan newest first; an item filter looks further back than the page size.
  const raw = await redis.xrevrange(keys.audit, '+', '-', 'COUNT', options.itemId ? limit * 50 : limit);
  const entries: Array<AuditEntry & { id: string }> = [];
  for (const [id, fields] of raw) {
    const json = fields[fields.indexOf('entry') + 1];
    if (!json) continue;
    const entry = JSON.parse(json) as AuditEntry;
    if (options.itemId && entry.itemId !== options.itemId) continue;
    entries.push({ id, ...entry });
    if (entries.length >= limit) break;
  }
  return entries;
}

/**
 * An item's history, newest first, ending with its creation. Creation is not logged as an entry
 * (one per routed mention would crowd out every person's action); it is rebuilt from the item.
 */
export async function itemAudit(
  redis: Redis,
  keys: StoreKeys,
  item: { id: string; routedAt: number; priority: string; urgency: number },
  limit = 100,
): Promise<Array<AuditEntry & { id: string }>> {
  const entries = await readAudit(redis, keys, { itemId: item.id, limit });
  const created = { id: `${item.routedAt}-0`, at: new Date(item.routedAt).toISOString(), actor: 'earshot', action: 'inbox.created', itemId: item.id, detail: { priority: item.priority, urgency: item.urgency } };
  return entries.length < limit ? [...entries, created] : entries;
}
