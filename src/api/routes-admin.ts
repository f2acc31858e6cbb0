import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { readAudit } from '../store/audit.js';
import { describeAudit } from './audit-text.js';
import { listDeadLetters } from '../store/dead-letter.js';
import { actorOf, requireRole } from './auth.js';
import { limitParam, OptionalText, parseInput } from './routes-common.js';

const AuditQuery = z.object({ itemId: OptionalText, limit: limitParam(100, 500) });
const DeadLetterQuery = z.object({ limit: limitParam(50, 500) });

/** Who am I, what is configured, and the trails people need when something went wrong. */
export function registerAdminRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get('/me', async (request) => {
    const actor = actorOf(request);
    return { name: actor.name, role: actor.role };
  });

  api.get('/audit', { onRequest: requireRole('audit') }, async (request) => {
    const query = parseInput(AuditQuery, request.query, 'query');
    const options = query.itemId ? { itemId: query.itemId, limit: query.limit } : { limit: query.limit };
    return { entries: (await readAudit(ctx.db, options)).map((e) => ({ ...e, text: describeAudit(e) })) };
  });

  api.get('/dead-letters', { onRequest: requireRole('admin') }, async (request) => {
    const query = parseInput(DeadLetterQuery, request.query, 'query');
    return { deadLetters: await listDeadLetters(ctx.redis, ctx.keys, query.limit) };
  });
}
