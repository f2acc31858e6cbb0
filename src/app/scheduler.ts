import type { AppContext } from './context.js';
import { resumeSource } from '../store/sources.js';

const PREFIX = 'source-';

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
    await queue.upsertJobScheduler(id, { every: source.interval }, { name: 'poll', data: { sourceId: source.id } });
    // A restart is when renewed credentials arrive, so a source stopped for auth gets another try.
    await resumeSource(ctx.redis, ctx.keys, source.id);
  }
  for (const existing of await queue.getJobSchedulers(0, -1)) {
    const key = existing.key ?? existing.id;
    if (key && key.startsWith(PREFIX) && !wanted.has(key)) await queue.removeJobScheduler(key);
  }
  ctx.log.info({ sources: [...wanted].map((w) => w.slice(PREFIX.length)) }, 'poll schedules in place');
}
