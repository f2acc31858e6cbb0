import { z } from 'zod';

const MentionIds = z
  .array(z.string().regex(/^m_[A-Za-z0-9_-]{22}$/, 'expected a mention id'))
  .min(1)
  .max(1000);

interface JobSpec<S extends z.ZodType> {
  /** Queue and job name (BullMQ forbids ":" in both). */
  name: string;
  schema: S;
  attempts: number;
  /** Reads are safe to repeat: exponential backoff with jitter. Writes decide in code what is safe. */
  backoff: { type: 'exponential'; delay: number; jitter: number };
  timeoutMs: number;
  /** Completed/failed jobs kept for inspection, then removed so Redis does not grow. */
  keep: { completed: number; failed: number };
}

function spec<S extends z.ZodType>(s: JobSpec<S>): JobSpec<S> {
  return s;
}

/** Every queue and job Earshot runs, declared once. Producers and workers both read it from here. */
export const JOBS = {
  poll: spec({
    name: 'poll',
    schema: z.object({ sourceId: z.string().min(1) }),
    attempts: 4,
    backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
    timeoutMs: 120_000,
    keep: { completed: 100, failed: 500 },
  }),
  triage: spec({
    name: 'triage',
    schema: z.object({ mentionIds: MentionIds }),
    attempts: 6,
    backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
    timeoutMs: 60_000,
    keep: { completed: 100, failed: 1000 },
  }),
  route: spec({
    name: 'route',
    schema: z.object({ mentionIds: MentionIds }),
    attempts: 6,
    backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
    timeoutMs: 60_000,
    keep: { completed: 100, failed: 1000 },
  }),
  alert: spec({
    name: 'alert',
    schema: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('escalation'), itemId: z.string().min(1), destinationId: z.string().min(1) }),
      z.object({
        kind: z.literal('source'),
        sourceId: z.string().min(1),
        destinationId: z.string().min(1),
        problem: z.string().max(2000),
        at: z.number(),
      }),
      z.object({ kind: z.literal('digest'), destinationId: z.string().min(1), window: z.number().int().nonnegative() }),
    ]),
    attempts: 8,
    backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
    timeoutMs: 30_000,
    keep: { completed: 500, failed: 1000 },
  }),
  publish: spec({
    name: 'publish',
    schema: z.object({ itemId: z.string().min(1), draftVersion: z.number().int().positive(), approval: z.number().int().positive() }),
    // Only errors that are known safe to repeat are thrown as retryable; see publish/publish.ts.
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
    timeoutMs: 60_000,
    keep: { completed: 1000, failed: 1000 },
  }),
  draft: spec({
    name: 'draft',
    // A language model's draft for a new item (brands with playbook.models). The client retries
    // 429/5xx itself within its timeout; a failure leaves the composer's draft, so no job retry.
    schema: z.object({ itemId: z.string().min(1) }),
    attempts: 1,
    backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
    timeoutMs: 120_000,
    keep: { completed: 100, failed: 500 },
  }),
  sla: spec({
    name: 'sla',
    // A sweep of the reminders that are due (see alerts/sla.ts); a failed delivery stays for the next sweep.
    schema: z.object({}).passthrough(),
    attempts: 1,
    backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
    timeoutMs: 60_000,
    keep: { completed: 10, failed: 100 },
  }),
  spikes: spec({
    name: 'spikes',
    // The spike detector's minute (see alerts/spikes/sweep.ts); a failed sweep is simply the next minute's work.
    schema: z.object({}).passthrough(),
    attempts: 1,
    backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
    timeoutMs: 50_000,
    keep: { completed: 10, failed: 100 },
  }),
  health: spec({
    name: 'health',
    schema: z.object({}).passthrough(),
    attempts: 1,
    backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
    timeoutMs: 30_000,
    keep: { completed: 10, failed: 100 },
  }),
} as const;

export type JobName = keyof typeof JOBS;
export type JobData<N extends JobName> = z.output<(typeof JOBS)[N]['schema']>;
export const JOB_NAMES = Object.keys(JOBS) as JobName[];
