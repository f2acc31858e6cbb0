import type { InboxItem } from '../store/inbox.js';

const MIN = 60_000;

/** Upper bounds of the first-response buckets; the last bucket is open-ended. */
export const RESPONSE_BUCKETS: ReadonlyArray<{ label: string; maxMs: number }> = [
  { label: '< 15 min', maxMs: 15 * MIN },
  { label: '15–60 min', maxMs: 60 * MIN },
  { label: '1–4 h', maxMs: 240 * MIN },
  { label: '4–24 h', maxMs: 1440 * MIN },
  { label: '> 24 h', maxMs: Infinity },
];

export interface ResponseStats {
  /** Which clock: from the post's own timestamp to our reply being posted. */
  clock: string;
  replied: number;
  medianMs: number | null;
  p90Ms: number | null;
  buckets: Array<{ label: string; count: number }>;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? null;
}

/**
 * First response = postedAt − createdAt: the wait the customer saw, from their post to our
 * reply. (The SLA clock instead starts when Earshot first saw the post, so backfills are fair.)
 */
export function firstResponse(items: InboxItem[]): ResponseStats {
  const times = items
    .filter((i) => i.postedAt !== null)
    .map((i) => Math.max(0, (i.postedAt as number) - i.createdAt))
    .sort((a, b) => a - b);
  const buckets = RESPONSE_BUCKETS.map((b) => ({ label: b.label, count: 0 }));
  for (const ms of times) {
    const index = RESPONSE_BUCKETS.findIndex((b) => ms < b.maxMs);
    (buckets[index] as { count: number }).count += 1;
  }
  return { clock: 'post createdAt → reply postedAt', replied: times.length, medianMs: percentile(times, 0.5), p90Ms: percentile(times, 0.9), buckets };
}

export interface SlaStats {
  priority: string;
  met: number;
  late: number;
  /** Still unanswered and already past due. */
  overdue: number;
  /** Still unanswered, not due yet: not counted either way. */
  pending: number;
  /** met / (met + late + overdue); null when nothing is decided yet. */
  attainment: number | null;
}

/** Per priority: answered before slaDueAt or not. Rejected items never needed an answer and are left out. */
export function slaAttainment(items: InboxItem[], now: number): SlaStats[] {
  return (['urgent', 'normal'] as const).map((priority) => {
    const s: SlaStats = { priority, met: 0, late: 0, overdue: 0, pending: 0, attainment: null };
    for (const item of items) {
      if (item.priority !== priority || item.status === 'rejected') continue;
      if (item.postedAt !== null) s[item.postedAt <= item.slaDueAt ? 'met' : 'late'] += 1;
      else s[now > item.slaDueAt ? 'overdue' : 'pending'] += 1;
    }
    const decided = s.met + s.late + s.overdue;
    s.attainment = decided ? s.met / decided : null;
    return s;
  });
}
