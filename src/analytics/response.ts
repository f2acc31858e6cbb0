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
  /** Which clock: from the post's own timestamp to our reply being posted (the SLA counts from the post too). */
  clock: string;
  replied: number;
  medianMs: number | null;
  p90Ms: number | null;
  buckets: Array<{ label: string; count: number }>;
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
