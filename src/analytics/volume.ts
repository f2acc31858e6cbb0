import type { StatsRow } from '../store/stats.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface VolumePoint {
  t: number;
  total: number;
  positive: number;
  neutral: number;
  negative: number;
}

export interface VolumeSeries {
  /** Bucket size in ms: an hour for ranges up to two days, a day beyond. */
  bucketMs: number;
  overall: VolumePoint[];
  bySource: Record<string, VolumePoint[]>;
  byBrand: Record<string, VolumePoint[]>;
}

function emptyPoints(from: number, to: number, bucketMs: number): VolumePoint[] {
  const points: VolumePoint[] = [];
  for (let t = Math.floor(from / bucketMs) * bucketMs; t <= to; t += bucketMs)
    points.push({ t, total: 0, positive: 0, neutral: 0, negative: 0 });
  return points;
}

function add(points: VolumePoint[], first: number, bucketMs: number, row: StatsRow): void {
  const point = points[Math.floor((row.hour - first) / bucketMs)];
  if (!point) return;
  point.total += row.count;
  if (row.sentiment === 'positive' || row.sentiment === 'neutral' || row.sentiment === 'negative') point[row.sentiment] += row.count;
}

/** Buckets the hourly counters into one series overall and one per source and per brand, gaps as zeros. */
export function volumeSeries(rows: StatsRow[], from: number, to: number): VolumeSeries {
  const bucketMs = to - from <= 2 * DAY ? HOUR : DAY;
  const overall = emptyPoints(from, to, bucketMs);
  const first = overall[0]?.t ?? from;
  const bySource: Record<string, VolumePoint[]> = {};
  const byBrand: Record<string, VolumePoint[]> = {};
  for (const row of rows) {
    add(overall, first, bucketMs, row);
    add((bySource[row.source] ??= emptyPoints(from, to, bucketMs)), first, bucketMs, row);
    add((byBrand[row.brand] ??= emptyPoints(from, to, bucketMs)), first, bucketMs, row);
  }
  return { bucketMs, overall, bySource, byBrand };
}
