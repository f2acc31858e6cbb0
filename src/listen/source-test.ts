import type { AppContext } from '../context.js';
import { describeFailure } from '../store/sources.js';

export const TEST_TIMEOUT_MS = 20_000;

export type ConnectionTest =
  | { ok: true; sourceId: string; fetched: number; unreadable: number; ms: number; message: string }
  | { ok: false; sourceId: string; error: string; detail?: string; ms: number; message: string };

export class UnknownSourceError extends Error {}

/**
 * One fetch through the source's connector, from the start (no cursor), with the same HTTP
 * client and outbound policy as a poll. Nothing is stored: no mentions, no cursor, no heartbeat,
 * so a test never hides a failing source or moves where the next poll starts. `detail` (which
 * can quote the platform's answer) is for admins only; callers decide whether to pass it on.
 */
export async function testConnection(ctx: AppContext, sourceId: string, timeoutMs = TEST_TIMEOUT_MS): Promise<ConnectionTest> {
  const handle = ctx.sources.get(sourceId);
  if (!handle)
    throw new UnknownSourceError(
      `no source "${sourceId}" in ${ctx.config.file}; known: ${ctx.config.sources.map((s) => s.id).join(', ') || '(none)'}`,
    );
  const started = Date.now();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  try {
    const result = await handle.client.fetch(null, abort.signal);
    const ms = Date.now() - started;
    const fetched = result.mentions.length;
    const unreadable = result.rejected.length ? `, ${result.rejected.length} unreadable` : '';
    return {
      ok: true,
      sourceId,
      fetched,
      unreadable: result.rejected.length,
      ms,
      message: `ok: ${fetched} post${fetched === 1 ? '' : 's'} read${unreadable} in ${ms} ms (nothing stored)`,
    };
  } catch (err) {
    const ms = Date.now() - started;
    const { error, detail } = abort.signal.aborted
      ? { error: `no answer within ${timeoutMs / 1000} s`, detail: `no answer within ${timeoutMs / 1000} s` }
      : describeFailure(err);
    ctx.log.info({ source: sourceId, err: detail }, 'connection test failed');
    return { ok: false, sourceId, error, ...(detail !== error ? { detail } : {}), ms, message: `failed: ${error}` };
  } finally {
    clearTimeout(timer);
  }
}
