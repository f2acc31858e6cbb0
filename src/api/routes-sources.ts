import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { redactText } from '../http/redact.js';
import { deriveSourceHealth } from '../listen/source-status.js';
import { testConnection, UnknownSourceError, type ConnectionTest } from '../listen/source-test.js';
import { appendAudit } from '../store/audit.js';
import { readSourceState } from '../store/sources.js';
import { actorOf, requireRole } from './auth.js';
import { ActionError } from '../inbox/actions.js';
import { parseInput } from './routes-common.js';

/**
 * Every reader sees each source's health in Earshot's words; only admins see the detail, which
 * can quote what the platform (or wherever a redirect led) answered.
 */
export async function sourceStatuses(ctx: AppContext, admin: boolean, now = Date.now()) {
  return Promise.all(
    ctx.config.sources.map(async (source) => {
      // The cursor is the platform's paging token: internal, and for some platforms close to a credential.
      const stored = await readSourceState(ctx.db, source.id);
      const { cursor: _cursor, lastErrorDetail, streamErrorDetail, ...raw } = stored;
      const health = deriveSourceHealth(ctx.config, source, stored, now);
      const detail = admin ? { lastErrorDetail: redactText(lastErrorDetail), streamErrorDetail: redactText(streamErrorDetail) } : {};
      // `healthy` used to mean only "not stopped", so a source failing every poll read as healthy.
      const state = {
        ...raw,
        healthy: health.state === 'ok',
        running: raw.healthy,
        lastError: redactText(raw.lastError),
        stoppedReason: redactText(raw.stoppedReason),
        streamError: redactText(raw.streamError),
        ...detail,
      };
      return { id: source.id, kind: source.kind, brand: source.brand, enabled: source.enabled, interval: source.interval, health, state };
    }),
  );
}

export type SourceStatus = Awaited<ReturnType<typeof sourceStatuses>>[number];
/** Every source with its health; `problems` lists the ones to tell people about. */
export interface SourcesAnswer {
  sources: SourceStatus[];
  problems: Array<{ id: string; state: SourceStatus['health']['state']; label: string }>;
}
export type SourceTestAnswer = ConnectionTest;

const SourceParams = z.object({ id: z.string().min(1).max(64) });

export function registerSourceRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get('/sources', { onRequest: requireRole('read') }, async (request): Promise<SourcesAnswer> => {
    const sources = await sourceStatuses(ctx, actorOf(request).role === 'admin');
    return {
      sources,
      problems: sources.filter((s) => s.health.problem).map((s) => ({ id: s.id, state: s.health.state, label: s.health.label })),
    };
  });

  // Admins only: a test spends the platform's request budget and its answer can quote the platform.
  api.post('/sources/:id/test', { onRequest: requireRole('admin') }, async (request): Promise<SourceTestAnswer> => {
    const { id } = parseInput(SourceParams, request.params, 'params');
    try {
      const result = await testConnection(ctx, id);
      await appendAudit(ctx.db, actorOf(request).name, 'source.tested', undefined, {
        source: id,
        ok: result.ok,
        ...(result.ok ? { fetched: result.fetched } : { error: result.error }),
      });
      return result;
    } catch (err) {
      if (err instanceof UnknownSourceError) throw new ActionError(404, err.message);
      throw err;
    }
  });
}
