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
