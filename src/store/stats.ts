import type { Redis } from 'ioredis';

/**
 * Per-hour mention counters, one hash per UTC day: field `brand|source|sentiment|hour` → count.
 * A day of a busy brand is a few hundred fields, so charts never need to scan mentions.
 */
export function statsKey(prefix: string, day: string): string {
  return `${prefix}:stats:${day}`;
}

export interface StatsEntry {
  brand: string;
  source: string;
  sentiment: string;
  /** The post's own time (ms), so a backfill lands on the day it was written. */
  at: number;
}

export interface StatsRow extends Omit<StatsEntry, 'at'> {
  /** Start of the hour (ms, UTC). */
  hour: number;
  count: number;
}

function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** `|` separates fields; ids are `[a-z0-9_-]` by schema, so only a stray sentiment could carry one. */
const clean = (s: string) => s.replaceAll('|', '_');

/** One pipeline per batch; counters live as long as the data they summarise (retention). */
export async function recordStats(redis: Redis, prefix: string, entries: StatsEntry[], retentionMs: number): Promise<void> {
  if (entries.length === 0) return;
  const pipe = redis.pipeline();
  const days = new Set<string>();
  for (const e of entries) {
    if (!Number.isFinite(e.at)) continue;
    const day = dayOf(e.at);
    days.add(day);
    const field = `${clean(e.brand)}|${clean(e.source)}|${clean(e.sentiment)}|${new Date(e.at).getUTCHours()}`;
    pipe.hincrby(statsKey(prefix, day), field, 1);
  }
  for (const day of days) pipe.pexpireat(statsKey(prefix, day), Date.parse(`${day}T00:00:00Z`) + 86_400_000 + retentionMs);
  await pipe.exec();
}

/** Every hourly row between from and to (ms, inclusive of the hours they fall in), one round trip. */
export async function readStats(redis: Redis, prefix: string, from: number, to: number): Promise<StatsRow[]> {
  const days: string[] = [];
  for (let t = Date.parse(`${dayOf(from)}T00:00:00Z`); t <= to; t += 86_400_000) days.push(dayOf(t));
  if (days.length === 0) return [];
  const pipe = redis.pipeline();
  for (const day of days) pipe.hgetall(statsKey(prefix, day));
  const res = (await pipe.exec()) ?? [];
  const rows: StatsRow[] = [];
  days.forEach((day, i) => {
    const hash = (res[i]?.[1] ?? {}) as Record<string, string>;
    for (const [field, value] of Object.entries(hash)) {
      const [brand = '', source = '', sentiment = '', hourText = '0'] = field.split('|');
      const hour = Date.parse(`${day}T00:00:00Z`) + Number(hourText) * 3_600_000;
      if (hour + 3_600_000 <= from || hour > to) continue;
      rows.push({ brand, source, sentiment, hour, count: Number(value) });
    }
  });
  return rows;
}
