import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { readAudit } from '../store/audit.js';
import { describeAudit } from './audit-text.js';
import { listDeadLetters, type DeadLetter } from '../store/dead-letter.js';
import type { Role } from '../config/schema.js';
import type { AuditLine } from './routes-search.js';
import { actorOf, requireRole } from './auth.js';
import { limitParam, OptionalText, parseInput } from './routes-common.js';

const AuditQuery = z.object({ itemId: OptionalText, limit: limitParam(100, 500) });
const DeadLetterQuery = z.object({ limit: limitParam(50, 500) });

export interface MeAnswer {
  name: string;
  role: Role;
}
export interface AuditAnswer {
  entries: AuditLine[];
}
export interface DeadLettersAnswer {
  deadLetters: DeadLetter[];
}

/** Who am I, what is configured, and the trails people need when something went wrong. */
export function registerAdminRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get('/me', async (request): Promise<MeAnswer> => {
    const actor = actorOf(request);
    return { name: actor.name, role: actor.role };
  });

  api.get('/audit', { onRequest: requireRole('audit') }, async (request): Promise<AuditAnswer> => {
    const query = parseInput(AuditQuery, request.query, 'query');
    const options = query.itemId ? { itemId: query.itemId, limit: query.limit } : { limit: query.limit };
    return { entries: (await readAudit(ctx.db, options)).map((e) => ({ ...e, text: describeAudit(e) })) };
  });

  api.get('/dead-letters', { onRequest: requireRole('admin') }, async (request): Promise<DeadLettersAnswer> => {
    const query = parseInput(DeadLetterQuery, request.query, 'query');
    return { deadLetters: await listDeadLetters(ctx.redis, ctx.keys, query.limit) };
  });
}
