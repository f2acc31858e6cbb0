import type { AppContext } from '../context.js';
import { formatDuration } from '../config/duration.js';
import { markQuietAlerted, readSourceState } from '../store/sources.js';
import { alertSourceProblem } from '../alerts/source-alerts.js';

export const ERROR_STREAK_ALERT = 5;

/**
 * Runs every minute (scheduler role). A source that has produced posts before but nothing for
 * its `quietAfter` gets one "gone quiet" alert per silence; a source failing many polls in a row
 * gets an alert too (source alerts are capped at one per hour per destination).
 */
export async function checkSourceHealth(ctx: AppContext, now = Date.now()): Promise<{ quiet: string[]; failing: string[] }> {
  const quiet: string[] = [];
  const failing: string[] = [];
  for (const source of ctx.config.sources.filter((s) => s.enabled)) {
    const state = await readSourceState(ctx.db, source.id);
    if (state.healthy && state.errorStreak >= ERROR_STREAK_ALERT) {
      failing.push(source.id);
      await alertSourceProblem(
        ctx,
        source.id,
        `Source "${source.id}" has failed ${state.errorStreak} polls in a row: ${state.lastError}`,
        'failing',
      );
    }
    // A stopped source is silent for a reason its stop alert already gave; "gone quiet" would only add noise.
    if (!state.healthy || !source.quietAfter || state.lastItemAt === 0 || now - state.lastItemAt < source.quietAfter) continue;
    if (!(await markQuietAlerted(ctx.db, source.id, state.lastItemAt))) continue;
    quiet.push(source.id);
    const silent = formatDuration(Math.floor((now - state.lastItemAt) / 60_000) * 60_000 || 60_000);
    await alertSourceProblem(
      ctx,
      source.id,
      `Source "${source.id}" has gone quiet: no new posts for ${silent} (alert threshold ${formatDuration(source.quietAfter)}). ` +
        `Last successful poll: ${state.lastSuccessAt ? new Date(state.lastSuccessAt).toISOString() : 'never'}. Check its search terms, credentials and the platform's status.`,
      `quiet-${state.lastItemAt}`,
    );
  }
  return { quiet, failing };
}
