import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.js';
import { databaseProblem } from '../store/ping.js';

const READY_TIMEOUT_MS = 1_000;

export interface StoreHealth {
  name: 'redis';
  embedded: boolean;
  /** up; or, for an embedded server, starting / restarting / failed / stopping; or unreachable / unresponsive. */
  state: string;
  restarts?: number;
}

/** Resolves with why Redis is not usable, or null when it answered in time. */
async function redisProblem(ctx: AppContext): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`redis did not answer within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
  });
  const ping = ctx.redis.ping().then(
    (answer) => (answer === 'PONG' ? null : `unexpected redis answer: ${String(answer).slice(0, 50)}`),
    (err: unknown) => `redis error: ${err instanceof Error ? err.message : String(err)}`,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The embedded server's own state comes first: while it restarts, a ping only says "unreachable". */
export async function storeHealth(ctx: AppContext): Promise<StoreHealth> {
  const server = ctx.servers?.[0]?.status();
  const base = { name: 'redis' as const, embedded: Boolean(server), ...(server ? { restarts: server.restarts } : {}) };
  if (server && server.state !== 'up') return { ...base, state: server.state };
  const problem = await redisProblem(ctx);
  if (!problem) return { ...base, state: 'up' };
  return { ...base, state: problem.includes('did not answer') ? 'unresponsive' : 'unreachable' };
}

/** Probes for orchestrators: no auth, no request body, nothing sensitive in the answer. */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  // The process being alive is not health: with the store gone every request fails.
  app.get('/healthz', async (_request, reply) => {
    const store = await storeHealth(ctx);
    if (store.state !== 'up') return reply.code(503).send({ ok: false, store });
    return { ok: true, store };
  });

  app.get('/readyz', async (_request, reply) => {
    const [redisReason, dbReason] = await Promise.all([redisProblem(ctx), databaseProblem(ctx.db, READY_TIMEOUT_MS)]);
    const reason = [redisReason, dbReason].filter(Boolean).join('; ');
    if (reason) {
      ctx.log.warn({ reason }, 'readiness check failed');
      return reply.code(503).send({ ok: false, reason });
    }
    return { ok: true };
  });
}
