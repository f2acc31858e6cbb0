import type { Db } from '../postgres/pool.js';
import { field } from './migrate-from-redis-read.js';
import * as SQL from './migrate-from-redis-sql.js';

/** What one batch of a family did: entries read, rows added, entries skipped (see CopyCounts). */
export type Step = [read: number, added: number, skipped: number];

/** The audit log's stream entries: one JSON entry each; one without actor or action is skipped. */
export async function copyAudit(db: Db, page: Array<[string, string[]]>): Promise<Step> {
  const records = page.flatMap(([ref, fields], n) => {
    try {
      const e = JSON.parse(field(fields, 'entry') ?? '') as {
        at: string;
        actor: string;
        action: string;
        itemId?: string;
        detail?: unknown;
      };
      const at = Date.parse(e.at);
      if (!e.actor || !e.action) return [];
      return [
        {
          n,
          ref,
          at: Number.isFinite(at) ? at : Number(ref.split('-')[0]),
          actor: e.actor,
          action: e.action,
          item_id: e.itemId ?? null,
          detail: e.detail ?? null,
        },
      ];
    } catch {
      return [];
    }
  });
  const added = records.length ? ((await db.query(SQL.AUDIT, [JSON.stringify(records)])).rowCount ?? 0) : 0;
  return [page.length, added, page.length - records.length];
}

/** A brand's label corrections, one JSON record per stream entry; the stream id keeps them apart across brands. */
export async function copyCorrections(db: Db, brandId: string, page: Array<[string, string[]]>): Promise<Step> {
  const records = page.flatMap(([id, fields], n) => {
    try {
      const c = JSON.parse(field(fields, 'c') ?? '') as Record<string, unknown>;
      if (typeof c['itemId'] !== 'string' || typeof c['text'] !== 'string' || typeof c['labels'] !== 'object') return [];
      return [
        {
          n,
          ref: `${brandId}/${id}`,
          brand_id: typeof c['brandId'] === 'string' ? c['brandId'] : brandId,
          item_id: c['itemId'],
          text: c['text'],
          lang: typeof c['lang'] === 'string' ? c['lang'] : null,
          labels: c['labels'],
          before: c['before'] ?? null,
          actor: String(c['actor'] ?? 'unknown'),
          at: typeof c['at'] === 'string' ? c['at'] : new Date(Number(id.split('-')[0])).toISOString(),
          v: typeof c['v'] === 'number' ? c['v'] : null,
        },
      ];
    } catch {
      return [];
    }
  });
  const added = records.length ? ((await db.query(SQL.CORRECTIONS, [JSON.stringify(records)])).rowCount ?? 0) : 0;
  return [page.length, added, page.length - records.length];
}
