import { publicReason } from '../http/errors.js';
import { redactText } from '../http/redact.js';
import type { Db } from '../postgres/pool.js';

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
  /** False while the source is stopped (it waits for a person); not "everything is fine": see listen/source-status.ts. */
  healthy: boolean;
  stoppedReason: string;
  /** Why it stopped: 'credentials' (renew them) or 'other'; '' while running. */
  stoppedKind: string;
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

const COLUMNS = `cursor, pause_until, last_success_at, last_item_at, error_streak, last_error, last_error_detail, last_error_at, healthy, stopped_reason, stopped_kind, stream_connected, stream_at, stream_error, stream_error_detail`;

interface Row {
  cursor: string | null;
  pause_until: number;
  last_success_at: number;
  last_item_at: number;
  error_streak: number;
  last_error: string;
  last_error_detail: string;
  last_error_at: number;
  healthy: boolean;
  stopped_reason: string;
  stopped_kind: string;
  stream_connected: boolean;
  stream_at: number;
  stream_error: string;
  stream_error_detail: string;
}

const FRESH: SourceState = {
  cursor: null,
  pauseUntil: 0,
  lastSuccessAt: 0,
  lastItemAt: 0,
  errorStreak: 0,
  lastError: '',
  lastErrorDetail: '',
  lastErrorAt: 0,
  healthy: true,
  stoppedReason: '',
  stoppedKind: '',
  streamConnected: false,
  streamAt: 0,
  streamError: '',
  streamErrorDetail: '',
};

export async function readSourceState(db: Db, sourceId: string): Promise<SourceState> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM sources WHERE source_id = $1`, [sourceId]);
  const r = rows[0];
  if (!r) return { ...FRESH };
  return {
    cursor: r.cursor,
    pauseUntil: r.pause_until,
    lastSuccessAt: r.last_success_at,
    lastItemAt: r.last_item_at,
    errorStreak: r.error_streak,
    lastError: r.last_error,
    lastErrorDetail: r.last_error_detail,
    lastErrorAt: r.last_error_at,
    healthy: r.healthy,
    stoppedReason: r.stopped_reason,
    stoppedKind: r.stopped_kind,
    streamConnected: r.stream_connected,
    streamAt: r.stream_at,
    streamError: r.stream_error,
    streamErrorDetail: r.stream_error_detail,
  };
}

/** Cursor and heartbeat move together, after the page they describe was stored and handed on. */
export async function recordPollSuccess(
  db: Db,
  sourceId: string,
  update: { cursor: string | null; items: number; pauseUntil?: number },
): Promise<void> {
  const now = Date.now();
  await db.query(
    `INSERT INTO sources AS s (source_id, cursor, last_success_at, last_item_at, pause_until) VALUES ($1, $2, $3::bigint, CASE WHEN $4::integer > 0 THEN $3::bigint ELSE 0::bigint END, $5::bigint)
     ON CONFLICT (source_id) DO UPDATE SET cursor = coalesce($2, s.cursor), last_success_at = $3, error_streak = 0, healthy = true, last_error = '', last_error_detail = '', stopped_reason = '', stopped_kind = '',
       pause_until = $5, last_item_at = CASE WHEN $4::integer > 0 THEN $3::bigint ELSE s.last_item_at END`,
    [sourceId, update.cursor, now, update.items, update.pauseUntil ?? 0],
  );
}

/**
 * Counts the failure; returns the streak so far. `error` is what everyone may read; `detail`
 * (default: the same) only admins and logs. A stop marks the source stopped until someone acts:
 * `stop: true` means its credentials were rejected (the only stop so far), `'other'` anything else.
 */
export async function recordPollFailure(
  db: Db,
  sourceId: string,
  failure: { error: string; detail?: string; pauseUntil?: number; stop?: boolean | 'other' },
): Promise<number> {
  const error = redactText(failure.error);
  const kind = failure.stop === true ? 'credentials' : failure.stop === 'other' ? 'other' : null;
  const { rows } = await db.query<{ error_streak: number }>(
    `INSERT INTO sources AS s (source_id, error_streak, last_error, last_error_detail, last_error_at, pause_until, healthy, stopped_reason, stopped_kind)
     VALUES ($1, 1, $2::text, $6::text, $3::bigint, coalesce($4::bigint, 0), $5::text IS NULL, CASE WHEN $5::text IS NOT NULL THEN $2::text ELSE '' END, coalesce($5::text, ''))
     ON CONFLICT (source_id) DO UPDATE SET error_streak = s.error_streak + 1, last_error = $2, last_error_detail = $6, last_error_at = $3, pause_until = coalesce($4, s.pause_until),
       healthy = CASE WHEN $5::text IS NOT NULL THEN false ELSE s.healthy END, stopped_reason = CASE WHEN $5::text IS NOT NULL THEN $2 ELSE s.stopped_reason END,
       stopped_kind = coalesce($5::text, s.stopped_kind)
     RETURNING error_streak`,
    [sourceId, error, Date.now(), failure.pauseUntil || null, kind, redactText(failure.detail ?? failure.error)],
  );
  return rows[0]?.error_streak ?? 1;
}

/** Called when someone renewed credentials: the next scheduled poll runs again. */
export async function resumeSource(db: Db, sourceId: string): Promise<void> {
  await db.query(
    `INSERT INTO sources (source_id) VALUES ($1)
     ON CONFLICT (source_id) DO UPDATE SET healthy = true, stopped_reason = '', stopped_kind = '', error_streak = 0, pause_until = 0`,
    [sourceId],
  );
}

/** Live-stream heartbeat: shown in health and metrics next to the poll heartbeat. */
export async function recordStreamState(
  db: Db,
  sourceId: string,
  state: { connected: boolean; error?: string; detail?: string; items?: number; at?: number },
): Promise<void> {
  const now = state.at ?? Date.now();
  const error = state.error === undefined ? null : redactText(state.error);
  const detail = state.error === undefined ? null : redactText(state.detail ?? state.error);
  await db.query(
    `INSERT INTO sources AS s (source_id, stream_connected, stream_at, stream_error, stream_error_detail, last_item_at)
     VALUES ($1, $2, $3::bigint, coalesce($4::text, ''), coalesce($6::text, ''), CASE WHEN $5::boolean THEN $3::bigint ELSE 0::bigint END)
     ON CONFLICT (source_id) DO UPDATE SET stream_connected = $2, stream_at = $3, stream_error = coalesce($4, s.stream_error),
       stream_error_detail = coalesce($6, s.stream_error_detail), last_item_at = CASE WHEN $5::boolean THEN $3::bigint ELSE s.last_item_at END`,
    [sourceId, state.connected, now, error, Boolean(state.items), detail],
  );
}

/** Where a live stream resumes after a reconnect (its own cursor, separate from the poll's). */
export async function readStreamCursor(db: Db, sourceId: string): Promise<string | null> {
  const { rows } = await db.query<{ stream_cursor: string | null }>('SELECT stream_cursor FROM sources WHERE source_id = $1', [sourceId]);
  return rows[0]?.stream_cursor ?? null;
}

export async function saveStreamCursor(db: Db, sourceId: string, cursor: string): Promise<void> {
  await db.query(
    'INSERT INTO sources (source_id, stream_cursor) VALUES ($1, $2) ON CONFLICT (source_id) DO UPDATE SET stream_cursor = $2',
    [sourceId, cursor],
  );
}

/**
 * Marks that a "gone quiet" alert went out for the silence that began at `since`, so it is sent
 * once: check and mark in one conditional statement, so two overlapping health runs do not both alert.
 */
export async function markQuietAlerted(db: Db, sourceId: string, since: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO sources AS s (source_id, quiet_alerted_for) VALUES ($1, $2)
     ON CONFLICT (source_id) DO UPDATE SET quiet_alerted_for = $2 WHERE s.quiet_alerted_for IS DISTINCT FROM $2`,
    [sourceId, since],
  );
  return rowCount === 1;
}

/** Forgets where a source's poll got to: the next poll reads from its start (dedupe keeps that harmless). */
export async function forgetCursor(db: Db, sourceId: string): Promise<void> {
  await db.query('UPDATE sources SET cursor = NULL WHERE source_id = $1', [sourceId]);
}

/** Forgets everything about a source (its cursors and heartbeat), as if it had just been added. */
export async function forgetSource(db: Db, sourceId: string): Promise<void> {
  await db.query('DELETE FROM sources WHERE source_id = $1', [sourceId]);
}
