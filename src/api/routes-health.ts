import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { databaseProblem } from '../store/ping.js';

const READY_TIMEOUT_MS = 1_000;

export interface StoreHealth {
  name: 'redis' | 'postgres';
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

function embeddedStatus(ctx: AppContext, name: string) {
  return ctx.servers?.map((s) => s.status()).find((s) => s.name === name);
}

/** The embedded server's own state comes first: while it restarts, a ping only says "unreachable". */
async function health(
  name: StoreHealth['name'],
  server: ReturnType<typeof embeddedStatus>,
  check: () => Promise<string | null>,
): Promise<StoreHealth & { problem: string | null }> {
  const base = { name, embedded: Boolean(server), ...(server ? { restarts: server.restarts } : {}) };
  if (server && server.state !== 'up') return { ...base, state: server.state, problem: `the embedded ${server.name} is ${server.state}` };
  const problem = await check();
  if (!problem) return { ...base, state: 'up', problem };
  return { ...base, state: problem.includes('did not answer') ? 'unresponsive' : 'unreachable', problem };
}

async function bothHealth(ctx: AppContext) {
  const [redis, postgres] = await Promise.all([
    health('redis', embeddedStatus(ctx, 'redis-server'), () => redisProblem(ctx)),
    health('postgres', embeddedStatus(ctx, 'postgres'), () => databaseProblem(ctx.db, READY_TIMEOUT_MS)),
  ]);
  const { problem: redisReason, ...store } = redis;
  const { problem: dbReason, ...database } = postgres;
  return { store, database, reason: [redisReason, dbReason].filter(Boolean).join('; ') };
}

/** Probes for orchestrators: no auth, no request body, nothing sensitive in the answer. */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  // The process being alive is not health: with the store gone every request fails.
  app.get('/healthz', async (_request, reply) => {
    const { store, database } = await bothHealth(ctx);
    if (store.state !== 'up' || database.state !== 'up') return reply.code(503).send({ ok: false, store, database });
    return { ok: true, store, database };
  });

  app.get('/readyz', async (_request, reply) => {
    const { store, database, reason } = await bothHealth(ctx);
    if (reason) {
      ctx.log.warn({ reason }, 'readiness check failed');
      return reply.code(503).send({ ok: false, reason, store, database });
    }
    return { ok: true, store, database };
  });
}
