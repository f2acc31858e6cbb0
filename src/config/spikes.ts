import { z } from 'zod';
import { Duration, Id } from './fields.js';
import { strict } from './strict.js';

/**
 * How far outside the expected range (in z-like units) a window must be to count. "normal"
 * is tuned on the airline replay to about one false alarm a week per brand (see BENCHMARKS.md).
 */
export const SENSITIVITY = { low: 6, normal: 4.5, high: 3.5 } as const;
const Sensitivity = z.union([z.enum(['low', 'normal', 'high']), z.number().min(1.5).max(20)]);

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour time like "22:00"');

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Outside working hours only critical spikes page anyone; the rest wait for the morning (if still open). */
const QuietHours = strict({
  timezone: z.string().refine(isTimeZone, 'expected an IANA time zone such as "Europe/Berlin"'),
  start: ClockTime,
  end: ClockTime,
}).refine((q) => q.start !== q.end, { message: 'start and end must differ (the hours may wrap past midnight)' });

const BrandSpikes = strict({
  sensitivity: Sensitivity.optional(),
  minAuthors: z.number().int().min(1).max(10_000).optional(),
});

export const SPIKE_DEFAULTS = {
  enabled: true,
  sensitivity: 'normal' as const,
  minAuthors: 8,
  cooldown: 2 * 3_600_000,
  brands: {},
};

export const SpikesSchema = strict({
  enabled: z.boolean().default(true),
  sensitivity: Sensitivity.default('normal'),
  /** Distinct authors a spike needs: one account posting fifty times is one angry person or a bot, not a crisis. */
  minAuthors: z.number().int().min(1).max(10_000).default(SPIKE_DEFAULTS.minAuthors),
  /** A brand whose spike ended less than this ago reopens that spike (and its alert) instead of raising a new one. */
  cooldown: Duration.default(SPIKE_DEFAULTS.cooldown),
  quietHours: QuietHours.optional(),
  /** Chat destination ids that hear about spikes; all of chat[] when left out. */
  destinations: z.array(Id).min(1).optional(),
  /** Where "Escalate" sends a spike (a manager channel); sla.escalateTo when left out. */
  escalateTo: Id.optional(),
  /** Per brand id: its own sensitivity or minimum authors. */
  brands: z.record(z.string(), BrandSpikes).default({}),
});

export type SpikesConfig = z.infer<typeof SpikesSchema>;

/** Cross-references the schema cannot see: brand and destination ids that must exist. */
export function spikeConfigProblems(
  spikes: SpikesConfig,
  brandIds: readonly string[],
  chat: ReadonlyArray<{ id: string; botToken?: string | undefined; channel?: string | undefined }>,
): string[] {
  const problems: string[] = [];
  const chatIds = chat.map((c) => c.id);
  chat.forEach((c, i) => {
    if (Boolean(c.botToken) !== Boolean(c.channel))
      problems.push(`chat[${i}]: botToken and channel go together (the bot posts to that channel); give both or neither`);
  });
  for (const id of Object.keys(spikes.brands)) {
    if (!brandIds.includes(id)) problems.push(`spikes.brands.${id}: no brand with id "${id}"; use one of ${brandIds.join(', ')}`);
  }
  const known = chatIds.join(', ') || '(none configured)';
  (spikes.destinations ?? []).forEach((id, i) => {
    if (!chatIds.includes(id)) problems.push(`spikes.destinations[${i}]: no chat destination with id "${id}"; use one of ${known}`);
  });
  if (spikes.escalateTo && !chatIds.includes(spikes.escalateTo)) {
    problems.push(`spikes.escalateTo: no chat destination with id "${spikes.escalateTo}"; use one of ${known}`);
  }
  return problems;
}

export interface BrandSettings {
  threshold: number;
  minAuthors: number;
}

export function brandSettings(spikes: SpikesConfig, brandId: string): BrandSettings {
  const own = spikes.brands[brandId] ?? {};
  const s = own.sensitivity ?? spikes.sensitivity;
  return { threshold: typeof s === 'number' ? s : SENSITIVITY[s], minAuthors: own.minAuthors ?? spikes.minAuthors };
}

/** Minutes since midnight in `timezone`. */
function localMinutes(at: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

export function inQuietHours(spikes: SpikesConfig, at: number): boolean {
  const q = spikes.quietHours;
  if (!q) return false;
  const toMin = (t: string): number => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
  const now = localMinutes(at, q.timezone);
  const start = toMin(q.start);
  const end = toMin(q.end);
  return start < end ? now >= start && now < end : now >= start || now < end;
}
