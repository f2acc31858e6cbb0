import { createHash } from 'node:crypto';
import type { AppContext } from '../context.js';
import { resumeSource } from '../store/sources.js';

const PREFIX = 'source-';
const HEALTH_EVERY_MS = 60_000;
/** How late an SLA reminder may be: the sweep runs this often. */
const SLA_SWEEP_MS = 10_000;
/** Spikes are judged on five-minute buckets; once a minute finds one within a minute of it showing. */
const SPIKE_SWEEP_MS = 60_000;

/** A stable offset inside the interval, so many sources on one platform do not all poll at the same instant. */
export function pollOffset(sourceId: string, every: number): number {
  return createHash('sha256').update(sourceId).digest().readUInt32BE(0) % every;
}

/**
 * Makes the BullMQ job schedulers match the config: one per enabled source at its interval,
 * none for removed sources. Safe to run from many processes at once (upsert is idempotent).
 */
export async function syncSchedulers(ctx: AppContext): Promise<void> {
  const queue = ctx.queues.poll;
  const wanted = new Set<string>();
  for (const source of ctx.config.sources.filter((s) => s.enabled)) {
    const id = `${PREFIX}${source.id}`;
    wanted.add(id);
    await queue.upsertJobScheduler(
      id,
      { every: source.interval, offset: pollOffset(source.id, source.interval) },
      { name: 'poll', data: { sourceId: source.id } },
    );
    // A restart is when renewed credentials arrive, so a source stopped for auth gets another try.
    await resumeSource(ctx.db, source.id);
  }
  for (const existing of await queue.getJobSchedulers(0, -1)) {
    const key = existing.key ?? existing.id;
    if (key && key.startsWith(PREFIX) && !wanted.has(key)) await queue.removeJobScheduler(key);
  }
  await ctx.queues.health.upsertJobScheduler('health', { every: HEALTH_EVERY_MS }, { name: 'health', data: {} });
  await ctx.queues.sla.upsertJobScheduler('sla', { every: SLA_SWEEP_MS }, { name: 'sla', data: {} });
  await ctx.queues.spikes.upsertJobScheduler('spikes', { every: SPIKE_SWEEP_MS }, { name: 'spikes', data: {} });
  ctx.log.info({ sources: [...wanted].map((w) => w.slice(PREFIX.length)) }, 'poll schedules in place');
}
