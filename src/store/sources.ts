import type { Redis } from 'ioredis';
import { publicReason } from '../connectors/errors.js';
import { redactText } from '../http/redact.js';
import type { StoreKeys } from './keys.js';
import { runScript } from './scripts.js';

export interface SourceState {
  cursor: string | null;
  pauseUntil: number;
  lastSuccessAt: number;
  lastItemAt: number;
  errorStreak: number;
  /** In Earshot's words (kind and status): shown to every reader and posted to chat. */
  lastError: string;
  /** The full message, which may quote the platform's answer: for logs and admins only. */
  lastErrorDetail: string;
  /** When the last failure happened (0: never), so a heartbeat shows whether the error is old news. */
  lastErrorAt: number;
  healthy: boolean;
  stoppedReason: string;
  streamConnected: boolean;
  streamAt: number;
  streamError: string;
  streamErrorDetail: string;
}

/** A failure as it is stored: a public reason and an admin-only detail, both with credentials redacted. */
export interface SourceFailure {
  error: string;
  detail: string;
}

export function describeFailure(err: unknown): SourceFailure {
  return { error: redactText(publicReason(err)), detail: redactText((err as Error)?.message ?? String(err)) };
}

export async function readSourceState(redis: Redis, keys: StoreKeys, sourceId: string): Promise<SourceState> {
  const [cursor, state] = await Promise.all([redis.get(keys.cursor(sourceId)), redis.hgetall(keys.sourceState(sourceId))]);
  return {
    cursor,
    pauseUntil: Number(state['pauseUntil'] ?? 0),
    lastSuccessAt: Number(state['lastSuccessAt'] ?? 0),
    lastItemAt: Number(state['lastItemAt'] ?? 0),
    errorStreak: Number(state['errorStreak'] ?? 0),
    lastError: state['lastError'] ?? '',
    lastErrorDetail: state['lastErrorDetail'] ?? '',
    lastErrorAt: Number(state['lastErrorAt'] ?? 0),
    healthy: state['healthy'] !== '0',
    stoppedReason: state['stoppedReason'] ?? '',
    streamConnected: state['streamConnected'] === '1',
    streamAt: Number(state['streamAt'] ?? 0),
    streamError: state['streamError'] ?? '',
    streamErrorDetail: state['streamErrorDetail'] ?? '',
  };
}

/** Cursor and heartbeat move together, after the page they describe was stored and handed on. */
export async function recordPollSuccess(redis: Redis, keys: StoreKeys, sourceId: string, update: { cursor: string | null; items: number; pauseUntil?: number }): Promise<void> {
  const now = Date.now();
  const multi = redis.multi();
  if (update.cursor !== null) multi.set(keys.cursor(sourceId), update.cursor);
  const fields: Record<string, string | number> = { lastSuccessAt: now, errorStreak: 0, healthy: 1, lastError: '', lastErrorDetail: '', stoppedReason: '', pauseUntil: update.pauseUntil ?? 0 };
  if (update.items > 0) fields['lastItemAt'] = now;
  multi.hset(keys.sourceState(sourceId), fields);
  await multi.exec();
}

/** `error` is what everyone may read; `detail` (default: the same) only admins and logs. */
export async function recordPollFailure(redis: Redis, keys: StoreKeys, sourceId: string, failure: { error: string; detail?: string; pauseUntil?: number; stop?: boolean }): Promise<number> {
  const multi = redis.multi().hincrby(keys.sourceState(sourceId), 'errorStreak', 1);
  const error = redactText(failure.error);
  const fields: Record<string, string | number> = { lastError: error, lastErrorDetail: redactText(failure.detail ?? failure.error), lastErrorAt: Date.now() };
  if (failure.pauseUntil) fields['pauseUntil'] = failure.pauseUntil;
  if (failure.stop) Object.assign(fields, { healthy: 0, stoppedReason: error });
  multi.hset(keys.sourceState(sourceId), fields);
  const res = await multi.exec();
  return Number(res?.[0]?.[1] ?? 1);
}

/** Called when someone renewed credentials: the next scheduled poll runs again. */
export async function resumeSource(redis: Redis, keys: StoreKeys, sourceId: string): Promise<void> {
  await redis.hset(keys.sourceState(sourceId), { healthy: 1, stoppedReason: '', errorStreak: 0, pauseUntil: 0 });
}

/** Live-stream heartbeat: shown in health and metrics next to the poll heartbeat. */
export async function recordStreamState(redis: Redis, keys: StoreKeys, sourceId: string, state: { connected: boolean; error?: string; detail?: string; items?: number }): Promise<void> {
  const fields: Record<string, string | number> = { streamConnected: state.connected ? 1 : 0, streamAt: Date.now() };
  if (state.error !== undefined) {
    fields['streamError'] = redactText(state.error);
    fields['streamErrorDetail'] = redactText(state.detail ?? state.error);
  }
  if (state.items) fields['lastItemAt'] = Date.now();
  await redis.hset(keys.sourceState(sourceId), fields);
}

// Check and mark in one step: two health runs overlapping (a slow one and the next tick) must not both alert.
const MARK_QUIET = `if redis.call('HGET', KEYS[1], 'quietAlertedFor') == ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'quietAlertedFor', ARGV[1])
return 1`;

/** Marks that a "gone quiet" alert went out for the silence that began at `since`, so it is sent once. */
export async function markQuietAlerted(redis: Redis, keys: StoreKeys, sourceId: string, since: number): Promise<boolean> {
  return Number(await runScript(redis, 'earshotMarkQuiet', MARK_QUIET, [keys.sourceState(sourceId)], [String(since)])) === 1;
}
