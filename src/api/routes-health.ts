import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.js';
import { databaseProblem } from '../store/ping.js';

const READY_TIMEOUT_MS = 1_000;

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

/** Probes for orchestrators: no auth, no request body, nothing sensitive in the answer. */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/healthz', async () => ({ ok: true }));

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
