import type { Redis } from 'ioredis';
import type { Db } from '../postgres/pool.js';
import { decodeMention } from './codec.js';
import { ensureRowLabels } from './enum-labels.js';
import { encodeRest } from './rest-codec.js';
import { encodeNativeId } from './native-id-codec.js';
import { decodeTriage } from './triage-codec.js';
import { encodeTriageRow } from './triage-row.js';
import {
  legacyAuthor,
  legacyItem,
  legacyKeys,
  legacySourceState,
  scanKeys,
  streamPages,
  type LegacyKeys,
} from './migrate-from-redis-read.js';
import * as SQL from './migrate-from-redis-sql.js';
import { copyAudit, copyCorrections, type Step } from './migrate-from-redis-streams.js';

/**
 * `earshot migrate-from-redis`: copies the records of a Redis-only installation into
 * PostgreSQL. Every write is ON CONFLICT, so a second run (or a run after one that was stopped
 * half way) adds nothing twice. What the new version still keeps in Redis under the same keys
 * (sessions, dead letters, queues, alert state) stays where it is.
 */
export interface CopyCounts {
  /** Keys or entries read from Redis. */
  read: number;
  /** Rows this run added (0 for everything on a second run). */
  added: number;
  /** Read but not copied: unreadable, or an item whose post had already expired. */
  skipped: number;
}

export type Family = 'sources' | 'authors' | 'mentions' | 'items' | 'replies' | 'audit' | 'corrections';
export const FAMILIES: Family[] = ['sources', 'authors', 'mentions', 'items', 'replies', 'audit', 'corrections'];

export interface CopyOptions {
  prefix: string;
  /** The retention the old installation ran with: a mention's TTL tells when it was stored. */
  retentionMs: number;
  /** Called after every batch with the family and how many of its keys/entries were read so far. */
  onProgress?: (family: Family, counts: CopyCounts) => void;
  batch?: number;
}

export type CopyReport = Record<Family, CopyCounts>;

/**
 * The order matters: items need their mention (foreign key), replies their item. Authors first so
 * a person's counters (complaints, replies) are in place before anything reads them.
 */
export async function copyFromRedis(redis: Redis, db: Db, o: CopyOptions): Promise<CopyReport> {
  const keys = legacyKeys(o.prefix);
  await db.query(SQL.MARKS_TABLE);
  const report = Object.fromEntries(FAMILIES.map((f) => [f, { read: 0, added: 0, skipped: 0 }])) as CopyReport;
  const step = (family: Family, read: number, added: number, skipped: number) => {
    const c = report[family];
    c.read += read;
    c.added += added;
    c.skipped += skipped;
    o.onProgress?.(family, c);
  };
  const batch = o.batch ?? 500;
  step('sources', ...(await copySources(redis, db, keys)));
  await copyHashes(
    redis,
    keys.authors,
    batch,
    async (ks) => copyAuthors(redis, db, keys, ks),
    (r) => step('authors', ...r),
  );
  await copyHashes(
    redis,
    keys.mentions,
    batch,
    async (ks) => copyMentions(redis, db, keys, ks, o.retentionMs),
    (r) => step('mentions', ...r),
  );
  await copyHashes(
    redis,
    keys.items,
    batch,
    async (ks) => copyItems(redis, db, keys, ks),
    (r) => step('items', ...r),
  );
  await copyHashes(
    redis,
    keys.authorEvents,
    batch,
    async (ks) => copyReplyEvents(redis, db, ks),
    (r) => step('replies', ...r),
  );
  for await (const page of streamPages(redis, keys.audit)) step('audit', ...(await copyAudit(db, page)));
  for (const brandId of (await redis.smembers(keys.correctionBrands)).sort()) {
    for await (const page of streamPages(redis, keys.corrections(brandId)))
      step('corrections', ...(await copyCorrections(db, brandId, page)));
  }
  return report;
}

async function copyHashes(
  redis: Redis,
  start: string,
  batch: number,
  copy: (keys: string[]) => Promise<Step>,
  done: (r: Step) => void,
): Promise<void> {
  for await (const keys of scanKeys(redis, start, batch)) done(await copy([...new Set(keys)]));
}

/** HGETALL for many keys in one round trip; a key of another type (or gone since the scan) reads as {}. */
async function hashes(redis: Redis, keys: string[]): Promise<Array<Record<string, string>>> {
  const pipe = redis.pipeline();
  for (const k of keys) pipe.hgetall(k);
  const rows = (await pipe.exec()) ?? [];
  return rows.map(([err, v]) => (err ? {} : ((v ?? {}) as Record<string, string>)));
}

async function copyAuthors(redis: Redis, db: Db, keys: LegacyKeys, batch: string[]): Promise<Step> {
  const rows = new Map<string, NonNullable<ReturnType<typeof legacyAuthor>>>();
  const raws = await hashes(redis, batch);
  batch.forEach((key, i) => {
    const a = legacyAuthor(key.slice(keys.authors.length), raws[i] ?? {});
    if (a) rows.set(`${a.platform}\u0000${a.nativeId}`, a);
  });
  const records = [...rows.values()].map((a) => ({
    platform: a.platform,
    native_id: a.nativeId,
    handle: a.handle,
    name: a.name,
    url: a.url,
    followers: a.followers,
    complaints: a.complaints,
    replies: a.replies,
  }));
  const added = records.length ? Number((await db.query<{ n: number }>(SQL.AUTHORS, [JSON.stringify(records)])).rows[0]?.n ?? 0) : 0;
  return [batch.length, added, batch.length - records.length];
}

async function copyMentions(redis: Redis, db: Db, keys: LegacyKeys, batch: string[], retentionMs: number): Promise<Step> {
  const pipe = redis.pipeline();
  for (const k of batch) pipe.hmget(k, 'd', 't', 's').pttl(k);
  const res = (await pipe.exec()) ?? [];
  const now = Date.now();
  const records: Array<Record<string, unknown>> = [];
  batch.forEach((key, i) => {
    const [err, value] = res[2 * i] ?? [];
    const ttl = Number(res[2 * i + 1]?.[1] ?? -1);
    const [d, t, s] = (err ? [] : (value ?? [])) as Array<string | null>;
    if (!d) return;
    try {
      const m = decodeMention(key.slice(keys.mentions.length), d);
      const tr = t ? decodeTriage(t) : null;
      records.push({
        id: m.id,
        platform: m.platform,
        native_id: encodeNativeId(m.nativeId),
        source_id: m.sourceId,
        brand_id: m.brandId,
        author_id: m.author.id,
        created_at: Date.parse(m.createdAt),
        stored_at: ttl > 0 ? Math.min(now, now - (retentionMs - ttl)) : now,
        lang: m.lang,
        text: m.text,
        // Each post of the old store kept its author's profile as it was then; the copy keeps it too.
        rest: encodeRest(m, true),
        stage: s ?? 'new',
        // Re-encoded: the Redis form holds the reasons as plain text.
        triage: tr ? encodeTriageRow(tr) : null,
        sentiment: tr?.sentiment ?? null,
        score: tr?.score ?? null,
        category: tr?.category ?? null,
        urgency: tr ? Math.round(tr.urgency) : null,
        complaint: tr ? tr.complaint : null,
      });
    } catch {
      // An unreadable record is counted as skipped and reported; it never stops the copy.
    }
  });
  await ensureRowLabels(db, records, { sentiment: 'earshot_sentiment', category: 'earshot_category' });
  const added = records.length ? Number((await db.query<{ n: number }>(SQL.MENTIONS, [JSON.stringify(records)])).rows[0]?.n ?? 0) : 0;
  return [batch.length, added, batch.length - records.length];
}

async function copyItems(redis: Redis, db: Db, keys: LegacyKeys, batch: string[]): Promise<Step> {
  const raws = await hashes(redis, batch);
  const records = batch.flatMap((key, i) => {
    const item = legacyItem(raws[i] ?? {});
    // The hash's own id is what the old store used; it always equals the key's suffix.
    return item && item.id === key.slice(keys.items.length) ? [SQL.itemRecord(item)] : [];
  });
  if (!records.length) return [batch.length, 0, batch.length];
  await ensureRowLabels(db, records, { status: 'earshot_status', sentiment: 'earshot_sentiment', category: 'earshot_category' });
  const { rows } = await db.query<{ added: number; orphans: number }>(SQL.ITEMS, [JSON.stringify(records)]);
  const r = rows[0] ?? { added: 0, orphans: 0 };
  return [batch.length, Number(r.added), batch.length - records.length + Number(r.orphans)];
}

/** `r:<item>` members (read counts the person's event lists) of a person's events are the replies sent to them, scored by when. */
async function copyReplyEvents(redis: Redis, db: Db, batch: string[]): Promise<Step> {
  const pipe = redis.pipeline();
  for (const k of batch) pipe.zrangebyscore(k, '-inf', '+inf', 'WITHSCORES');
  const res = (await pipe.exec()) ?? [];
  const events: Array<{ item_id: string; at: number }> = [];
  for (const [err, raw] of res) {
    const list = (err ? [] : (raw ?? [])) as string[];
    for (let i = 0; i + 1 < list.length; i += 2) {
      const member = list[i] ?? '';
      if (member.startsWith('r:')) events.push({ item_id: member.slice(2), at: Number(list[i + 1]) });
    }
  }
  const added = events.length ? ((await db.query(SQL.REPLIES, [JSON.stringify(events)])).rowCount ?? 0) : 0;
  return [batch.length, added, 0];
}

/**
 * Each source's poll cursor, stream cursor and heartbeat. A source the new version already has a
 * row for keeps it: that row is newer than anything Redis holds.
 */
async function copySources(redis: Redis, db: Db, keys: LegacyKeys): Promise<Step> {
  const ids = new Set<string>();
  for (const start of [keys.cursors, keys.streamCursors, keys.sourceStates]) {
    for await (const batch of scanKeys(redis, start)) for (const k of batch) ids.add(k.slice(start.length));
  }
  const list = [...ids].sort();
  if (!list.length) return [0, 0, 0];
  const pipe = redis.pipeline();
  for (const id of list) pipe.get(`${keys.cursors}${id}`).get(`${keys.streamCursors}${id}`).hgetall(`${keys.sourceStates}${id}`);
  const res = (await pipe.exec()) ?? [];
  const records = list.map((id, i) => {
    const [cursor, streamCursor, state] = [0, 1, 2].map((j) => (res[3 * i + j]?.[0] ? null : res[3 * i + j]?.[1]));
    return {
      source_id: id,
      cursor: (cursor as string | null) ?? null,
      stream_cursor: (streamCursor as string | null) ?? null,
      ...legacySourceState((state ?? {}) as Record<string, string>),
    };
  });
  const added = (await db.query(SQL.SOURCES, [JSON.stringify(records)])).rowCount ?? 0;
  return [list.length, added, 0];
}
