import { UnrecoverableError } from 'bullmq';
import type { AppContext } from '../context.js';
import { AuthError, PermanentError, RateLimitedError } from '../http/errors.js';
import type { FetchResult } from '../connectors/types.js';
import type { Mention } from '../mention.js';
import { enqueue, enqueueBulk } from '../jobs/queues.js';
import { releaseLease, renewLease, takeLease } from '../store/leases.js';
import { deadLetter } from '../store/dead-letter.js';
import { ingestMentions, storedIds, type Ingested } from '../store/mentions.js';
import { describeFailure, readSourceState, recordPollFailure, recordPollSuccess } from '../store/sources.js';
import { batchJobId, chunk } from '../route/batch-id.js';
import { scoreBatch } from '../route/score-batch.js';
import { alertSourceProblem } from '../alerts/source-alerts.js';

export const TRIAGE_BATCH = 100;

export type PollOutcome =
  { status: 'ok'; fetched: number; stored: number; rejected: number; more?: true } | { status: 'skipped'; reason: string };

/**
 * One poll of one source: fetch since the saved cursor, dead-letter what cannot be read, store
 * and dedupe the rest in one round trip, hand the new ones to triage in bulk, then move the
 * cursor. The cursor moves last, so a crash before it means a re-fetch, and the store's dedupe
 * makes that harmless.
 */
export async function pollSource(ctx: AppContext, sourceId: string, signal?: AbortSignal): Promise<PollOutcome> {
  const handle = ctx.sources.get(sourceId);
  if (!handle || !handle.source.enabled) return { status: 'skipped', reason: 'source not configured or disabled' };
  // One poll per source at a time, across processes: two would read the same cursor and race to move it.
  const token = `${process.pid}-${Date.now()}-${Math.random()}`;
  if (!(await takeLease(ctx, 'poll', sourceId, token, POLL_LOCK_MS))) {
    // Ask again shortly rather than drop it: a catch-up poll after a stream reconnect must not wait a whole interval.
    await enqueue(ctx.queues, 'poll', { sourceId }, { delay: 2_000, jobId: `again-${sourceId}-${Math.floor(Date.now() / 2_000)}` });
    return { status: 'skipped', reason: 'a poll of this source is already running; queued another in 2 s' };
  }
  // The lock is short and renewed while the poll runs: a worker killed mid-poll (kill -9, OOM) holds
  // it for seconds, not for the whole job timeout, so the source does not go quiet for two minutes.
  const held = new AbortController();
  const onAbort = () => held.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const renew = setInterval(() => {
    renewLease(ctx, 'poll', sourceId, token, POLL_LOCK_MS)
      .then((ok) => ok || held.abort())
      .catch(() => undefined);
  }, POLL_LOCK_MS / 3);
  let outcome: PollOutcome;
  try {
    outcome = await pollLocked(ctx, sourceId, held.signal);
  } finally {
    clearInterval(renew);
    signal?.removeEventListener('abort', onAbort);
    await releaseLease(ctx, 'poll', sourceId, token);
  }
  // A backlog (a busy hour, a restart) is read poll after poll, each handing its pages to triage
  // while the next one fetches, instead of one page limit per interval. Queued after the lock is
  // released, so the next poll can take it.
  if (outcome.status === 'ok' && outcome.more) await enqueue(ctx.queues, 'poll', { sourceId }, { jobId: `more-${sourceId}-${Date.now()}` });
  return outcome;
}

const POLL_LOCK_MS = 15_000;

async function pollLocked(ctx: AppContext, sourceId: string, signal?: AbortSignal): Promise<PollOutcome> {
  const handle = ctx.sources.get(sourceId);
  if (!handle) return { status: 'skipped', reason: 'source not configured' };
  const state = await readSourceState(ctx.db, sourceId);
  if (!state.healthy) return { status: 'skipped', reason: `stopped: ${state.stoppedReason}` };
  if (state.pauseUntil > ctx.now()) return { status: 'skipped', reason: `rate limited until ${new Date(state.pauseUntil).toISOString()}` };

  let result: FetchResult;
  try {
    result = await handle.client.fetch(state.cursor, signal);
  } catch (err) {
    return handleFetchError(ctx, sourceId, err);
  }
  const created = await acceptBatch(ctx, sourceId, result);
  // Only new posts count as "the source is producing": re-fetched ones must not hide a silence.
  await recordPollSuccess(ctx.db, sourceId, { cursor: result.cursor, items: created.length, pauseUntil: result.pauseUntil?.getTime() });
  return {
    status: 'ok',
    fetched: result.mentions.length,
    stored: created.length,
    rejected: result.rejected.length,
    ...(result.more ? { more: true } : {}),
  };
}

/**
 * What poll and stream both do with a batch: dead-letter what cannot be read, attribute and
 * triage the posts not stored yet, store them with their triage and dedupe in one round trip,
 * hand the new ones to routing in bulk. Returns the ids stored new.
 */
export async function acceptBatch(ctx: AppContext, sourceId: string, result: FetchResult): Promise<string[]> {
  if (result.rejected.length) {
    await deadLetter(
      ctx.redis,
      ctx.keys,
      result.rejected.map((r) => ({ origin: `source:${sourceId}`, reason: r.reason, payload: r.raw })),
    );
    ctx.log.warn({ source: sourceId, rejected: result.rejected.length }, 'malformed items sent to the dead-letter queue');
  }
  const { created, handOn } = await storeScored(ctx, result.mentions);
  await enqueueBulk(
    ctx.queues,
    'triage',
    chunk(handOn, TRIAGE_BATCH).map((ids) => ({ data: { mentionIds: ids }, opts: { jobId: batchJobId('triage', ids) } })),
  );
  if (created.length) ctx.log.info({ source: sourceId, fetched: result.mentions.length, new: created.length }, 'accepted new mentions');
  return created;
}

/**
 * The triage goes into the row with the insert (an UPDATE of rows inserted together finds no
 * room on their page). A re-fetched post is not scored again; two workers storing the same new
 * post both score it and the insert keeps one.
 */
export async function storeScored(ctx: AppContext, mentions: Mention[]): Promise<Ingested> {
  const unique = [...new Map(mentions.map((m) => [m.id, m])).values()];
  const known = await storedIds(
    ctx.db,
    unique.map((m) => m.id),
  );
  const scored = await scoreBatch(
    ctx,
    unique.filter((m) => !known.has(m.id)),
    { unstored: true },
  );
  const byId = new Map(scored.map((s) => [s.mention.id, s.mention]));
  const triage = new Map(scored.flatMap((s) => (s.triage ? [[s.mention.id, s.triage] as const] : [])));
  return ingestMentions(
    ctx.db,
    unique.map((m) => byId.get(m.id) ?? m),
    triage,
  );
}

async function handleFetchError(ctx: AppContext, sourceId: string, err: unknown): Promise<PollOutcome> {
  // Readers and chat get Earshot's summary; the platform's own words go to the log and to admins.
  const { error, detail } = describeFailure(err);
  if (err instanceof RateLimitedError) {
    // Waiting is the answer, not a retry: the next scheduled poll after the reset picks up.
    await recordPollFailure(ctx.db, sourceId, { error, detail, pauseUntil: err.retryAt.getTime() });
    ctx.log.warn({ source: sourceId, until: err.retryAt.toISOString() }, 'rate limited; pausing source');
    return { status: 'skipped', reason: `rate limited until ${err.retryAt.toISOString()}` };
  }
  if (err instanceof AuthError) {
    await recordPollFailure(ctx.db, sourceId, { error, detail, stop: true });
    ctx.log.error({ source: sourceId, err: detail }, 'credentials rejected; source stopped until they are renewed');
    await alertSourceProblem(ctx, sourceId, `Source "${sourceId}" stopped: ${error}`, 'auth');
    return { status: 'skipped', reason: `stopped: ${error}` };
  }
  const streak = await recordPollFailure(ctx.db, sourceId, { error, detail });
  ctx.log.warn({ source: sourceId, err: detail, streak }, 'poll failed');
  if (err instanceof PermanentError) throw new UnrecoverableError(detail);
  throw err;
}
