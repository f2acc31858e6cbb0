import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import { readAudit } from '../store/audit.js';
import { listDeadLetters } from '../store/dead-letter.js';
import { redactText } from '../http/redact.js';
import { readSourceState } from '../store/sources.js';
import { actorOf, requireRole } from './auth.js';
import { limitParam, OptionalText, parseInput } from './routes-common.js';

const AuditQuery = z.object({ itemId: OptionalText, limit: limitParam(100, 500) });
const DeadLetterQuery = z.object({ limit: limitParam(50, 500) });

/**
 * Every reader sees each source's health in Earshot's words; only admins see the detail, which
 * can quote what the platform (or wherever a redirect led) answered.
 */
async function sourceStatuses(ctx: AppContext, admin: boolean) {
  return Promise.all(
    ctx.config.sources.map(async (source) => {
      // The cursor is the platform's paging token: internal, and for some platforms close to a credential.
      const { cursor: _cursor, lastErrorDetail, streamErrorDetail, ...state } = await readSourceState(ctx.db, source.id);
      const detail = admin ? { lastErrorDetail: redactText(lastErrorDetail), streamErrorDetail: redactText(streamErrorDetail) } : {};
      const shown = { ...state, lastError: redactText(state.lastError), stoppedReason: redactText(state.stoppedReason), streamError: redactText(state.streamError), ...detail };
      return { id: source.id, kind: source.kind, brand: source.brand, enabled: source.enabled, interval: source.interval, state: shown };
    }),
  );
}

/** Who am I, what is configured, and the trails people need when something went wrong. */
export function registerAdminRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get('/me', async (request) => {
    const actor = actorOf(request);
    return { name: actor.name, role: actor.role };
  });

  api.get('/audit', { onRequest: requireRole('audit') }, async (request) => {
    const query = parseInput(AuditQuery, request.query, 'query');
    const options = query.itemId ? { itemId: query.itemId, limit: query.limit } : { limit: query.limit };
    return { entries: await readAudit(ctx.db, options) };
  });

  api.get('/dead-letters', { onRequest: requireRole('admin') }, async (request) => {
    const query = parseInput(DeadLetterQuery, request.query, 'query');
    return { deadLetters: await listDeadLetters(ctx.redis, ctx.keys, query.limit) };
  });

  api.get('/sources', { onRequest: requireRole('read') }, async (request) => ({ sources: await sourceStatuses(ctx, actorOf(request).role === 'admin') }));
}
