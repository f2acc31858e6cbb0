import type { AppContext } from '../context.js';
import { chatDestinations } from './destinations.js';
import { escalationAlert, type EscalationAlert, type SlaStage } from './message.js';
import { deliverTo } from './chat-delivery.js';
import type { BusinessHoursConfig, ChatDestinationConfig, SlaConfig } from '../config/schema.js';
import { PermanentError, RateLimitedError } from '../http/errors.js';
import { alertMarked, markAlert } from '../store/alert-marks.js';
import { advanceReminder, dueReminders, moveLegacyReminders } from '../store/sla-reminders.js';
import { getItem, type InboxItem, type Priority } from '../store/inbox.js';
import { loadMentions } from '../store/mentions.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Ten years of calendar days: far beyond any SLA, but a bound if the configured hours are nearly empty. */
const MAX_DAYS = 3660;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalDay {
  year: number;
  month: number;
  day: number;
}

function localParts(t: number, timeZone: string): LocalDay & { minutes: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(t))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts['year'] ?? 0,
    month: parts['month'] ?? 0,
    day: parts['day'] ?? 0,
    minutes: ((parts['hour'] ?? 0) % 24) * 60 + (parts['minute'] ?? 0),
  };
}

/** The instant a local wall-clock time happens in `timeZone`; the second pass settles DST changes. */
function zonedTime(d: LocalDay, minutes: number, timeZone: string): number {
  const wall = Date.UTC(d.year, d.month - 1, d.day, 0, minutes);
  const offsetAt = (t: number) => {
    const p = localParts(t, timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, 0, p.minutes) - Math.floor(t / MINUTE) * MINUTE;
  };
  const first = wall - offsetAt(wall);
  const second = wall - offsetAt(first);
  return second;
}

function isoWeekday(d: LocalDay): number {
  const sunday0 = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return sunday0 === 0 ? 7 : sunday0;
}

function nextDay(d: LocalDay): LocalDay {
  const n = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return { year: n.getUTCFullYear(), month: n.getUTCMonth() + 1, day: n.getUTCDate() };
}

const clockMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** `start` plus `ms` of time during which the SLA clock runs (all of it without business hours). */
export function addOpenTime(start: number, ms: number, hours?: BusinessHoursConfig): number {
  if (!hours) return start + ms;
  const [open, close] = [clockMinutes(hours.start), clockMinutes(hours.end)];
  let remaining = ms;
  let t = start;
  let day: LocalDay = localParts(start, hours.timezone);
  for (let i = 0; i < MAX_DAYS; i++) {
    const dayEnd = zonedTime(day, close, hours.timezone);
    if (hours.days.includes(isoWeekday(day)) && t < dayEnd) {
      const from = Math.max(t, zonedTime(day, open, hours.timezone));
      if (from + remaining <= dayEnd) return from + remaining;
      remaining -= dayEnd - from;
    }
    day = nextDay(day);
    t = Math.max(t, zonedTime(day, 0, hours.timezone));
  }
  return start + ms + MAX_DAYS * DAY;
}

/** When to warn and when the item is due, counted from `start` (when the post was made). */
export function slaTimes(sla: SlaConfig, priority: Priority, start: number): { warnAt: number; dueAt: number } {
  const target = sla[priority];
  const hours = sla.businessHours?.appliesTo.includes(priority) ? sla.businessHours : undefined;
  return { warnAt: addOpenTime(start, Math.round(target * sla.warnAt), hours), dueAt: addOpenTime(start, target, hours) };
}

/** The SLA clock starts when the post was made; a timestamp in the future (a platform's clock ahead of ours) counts from now. */
export function slaStart(mention: { createdAt: string }, now: number): number {
  const posted = Date.parse(mention.createdAt);
  return Number.isFinite(posted) ? Math.min(posted, now) : now;
}

export interface SlaCheck {
  itemId: string;
  stage: SlaStage;
  /** When the reminder is due (epoch ms). */
  at: number;
}

/**
 * When a new item's first SLA check (the warning) is due, stored on the item as it is created
 * (store/sla-reminders.ts); the breach check follows when the warning is handled, so an item
 * holds one reminder, not two. A sweep every few seconds picks up what is due.
 *
 * Times count from the post (createdAt). A post found after its warning time is warned about at
 * once. One found after its due time is breached on arrival: it gets no reminder (null), since
 * nobody could have answered it in time and a backfill of old posts would flood the managers'
 * channel; it sorts first in the queue, says "breached on arrival" on its page and counts as
 * late or overdue in the analytics. Urgent ones still raise their escalation alert like any other.
 */
export function firstReminderAt(
  sla: SlaConfig,
  item: { priority: Priority; createdAt: number; slaDueAt: number },
  now: number,
): number | null {
  if (item.slaDueAt <= now) return null;
  const { warnAt } = slaTimes(sla, item.priority, Math.min(item.createdAt, now));
  return Math.max(warnAt, now);
}

export const SWEEP_BATCH = 500;

/**
 * Handles every reminder that is due. A reminder moves on once handled (sent, answered, gone);
 * one whose delivery failed for a reason worth retrying stays for the next sweep.
 */
export async function sweepSla(ctx: AppContext, now: () => number = Date.now): Promise<{ handled: number; retrying: number }> {
  await moveLegacyReminders(ctx);
  const due = await dueReminders(ctx.db, now(), SWEEP_BATCH);
  let handled = 0;
  let retrying = 0;
  for (const reminder of due) {
    try {
      await checkSla(ctx, reminder, now);
      await advanceReminder(ctx.db, reminder);
      handled += 1;
    } catch (err) {
      if (err instanceof PermanentError) {
        await advanceReminder(ctx.db, reminder);
        handled += 1;
      } else retrying += 1;
      ctx.log.warn({ item: reminder.itemId, stage: reminder.stage, err: (err as Error).message }, 'SLA reminder not delivered');
    }
  }
  return { handled, retrying };
}

export type SlaOutcome = { outcome: 'answered' | 'gone' | 'no-destination' } | { outcome: 'sent'; stage: SlaStage; destinations: string[] };

/**
 * Answered: a person approved a reply (it is on its way), it went out, or someone decided none
 * will. A publish that got stuck moves to needs_check / failed, which count as unanswered again.
 */
const ANSWERED = new Set(['approved', 'publishing', 'posted', 'rejected', 'spam']);

function answered(item: InboxItem): boolean {
  return ANSWERED.has(item.status);
}

function targets(ctx: AppContext, stage: SlaStage, item: InboxItem): ChatDestinationConfig[] {
  const all = chatDestinations(ctx.config);
  const manager = ctx.config.sla.escalateTo ? all.find((d) => d.id === ctx.config.sla.escalateTo) : undefined;
  // A breach goes to the manager whatever their minUrgency; warnings respect each channel's threshold.
  if (stage === 'breach' && manager) return [manager];
  return all.filter((d) => item.urgency >= (d.minUrgency ?? 0));
}

/**
 * Runs when a reminder is due. Re-reads the item, stays silent if it was answered, and delivers
 * to each destination at most once (a marker per stage and destination), so retries never flood.
 */
export async function checkSla(ctx: AppContext, data: SlaCheck, now: () => number = Date.now): Promise<SlaOutcome> {
  if (now() < data.at - 1000) throw new RateLimitedError(`SLA ${data.stage} for ${data.itemId} is not due yet`, new Date(data.at));
  const item = await getItem(ctx.db, data.itemId);
  if (!item) return { outcome: 'gone' };
  if (answered(item)) return { outcome: 'answered' };
  const stored = (await loadMentions(ctx.db, [item.id])).get(item.id);
  if (!stored) return { outcome: 'gone' };
  const alert: EscalationAlert = {
    ...escalationAlert(ctx.config, item, stored, ctx.directory.brands),
    sla: { stage: data.stage, dueAt: new Date(item.slaDueAt).toISOString() },
  };
  const destinations = targets(ctx, data.stage, item);
  if (destinations.length === 0) return { outcome: 'no-destination' };
  const { sent, failure } = await deliverOnce(ctx, alert, `sla-${data.stage}-${item.id}`, destinations, now);
  if (failure) throw failure;
  return { outcome: 'sent', stage: data.stage, destinations: sent };
}

/**
 * Delivers to each destination not yet marked for `subject`. Permanent refusals are marked too,
 * so a retry (for another destination's transient failure) never knocks on a deleted webhook again.
 * Returns the error worth retrying for, else the permanent one, else null.
 */
async function deliverOnce(
  ctx: AppContext,
  alert: EscalationAlert,
  subject: string,
  destinations: ChatDestinationConfig[],
  now: () => number,
) {
  const sent: string[] = [];
  let retryable: unknown = null;
  let permanent: unknown = null;
  for (const destination of destinations) {
    if (await alertMarked(ctx, subject, destination.id)) continue;
    try {
      if ((await deliverTo(ctx, destination, alert)) === 'disabled') continue;
      await markAlert(ctx, subject, destination.id, String(now()), 30 * DAY);
      sent.push(destination.id);
    } catch (err) {
      // Keep going: one broken chat must not keep the others from hearing about it.
      ctx.log.warn({ subject, destination: destination.id, err: (err as Error).message }, 'SLA alert not delivered');
      if (err instanceof PermanentError) {
        await markAlert(ctx, subject, destination.id, `refused:${now()}`, 30 * DAY);
        permanent ??= err;
      } else retryable ??= err;
    }
  }
  return { sent, failure: retryable ?? permanent };
}
