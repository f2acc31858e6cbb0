import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { ActionError } from '../inbox/actions.js';
import { logSafe, type Logger } from '../log.js';
import { isStoreUnavailable } from '../redis/connection.js';
import { actorName, authenticate, ForbiddenError } from './auth.js';
import { warnAboutUntrustedProxy } from './client-address.js';
import { registerActionRoutes } from './routes-actions.js';
import { registerAdminRoutes } from './routes-admin.js';
import { registerAnalyticsRoutes } from './routes-analytics.js';
import { registerBulkRoutes } from './routes-bulk.js';
import { registerDraftRoutes } from './routes-drafts.js';
import { registerDirectoryRoutes } from './routes-directory.js';
import { registerEventRoutes } from './routes-events.js';
import { InputError } from './routes-common.js';
import { registerHealthRoutes } from './routes-health.js';
import { registerInboxRoutes } from './routes-inbox.js';
import { registerItemRoutes } from './routes-item.js';
import { registerSearchRoutes } from './routes-search.js';
import { registerMetricsRoute } from './routes-metrics.js';
import { registerSessionRoutes } from './routes-session.js';
import { registerSourceRoutes } from './routes-sources.js';
import { registerSpikeRoutes } from './routes-spikes.js';
import { slackRoutes } from './routes-slack.js';
import { registerStatic, SECURITY_HEADERS } from './static.js';
import { registerTriageRoutes } from './routes-triage.js';

/** Drafts are at most 5000 characters; nothing legitimate comes close to this. */
export const BODY_LIMIT = 64 * 1024;

const ERROR_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
};

function errorCode(status: number): string {
  return ERROR_CODES[status] ?? (status < 500 ? 'bad_request' : 'internal');
}

/** Fastify's own client errors (bad JSON, too large, wrong content type) carry a 4xx statusCode and a safe message. */
function clientErrorStatus(error: unknown): number | null {
  if (!(error instanceof Error)) return null;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

function pathOf(request: FastifyRequest): string {
  // Query strings can carry search text about people; the path is enough to follow a request.
  return logSafe(request.url.split('?')[0] ?? '', 200);
}

function errorHandler(log: Logger) {
  return function (error: unknown, request: FastifyRequest, reply: FastifyReply) {
    if (error instanceof InputError || error instanceof ActionError || error instanceof ForbiddenError) {
      return reply.code(error.status).send({ error: errorCode(error.status), message: error.message });
    }
    const status = clientErrorStatus(error);
    if (status !== null) {
      const message = status === 413 ? `the request body is larger than ${BODY_LIMIT / 1024} KiB` : (error as Error).message;
      return reply.code(status).send({ error: errorCode(status), message });
    }
    if (isStoreUnavailable(error)) {
      log.warn(
        { err: (error as Error).message, method: request.method, path: pathOf(request) },
        'API request failed: the store is unavailable',
      );
      return reply
        .code(503)
        .header('Retry-After', '5')
        .send({ error: 'store_unavailable', message: 'the store (redis) is not answering right now; try again in a few seconds' });
    }
    log.error({ err: error, method: request.method, path: pathOf(request), user: actorName(request) }, 'API request failed');
    return reply.code(500).send({ error: 'internal', message: 'something went wrong on the server; the details are in its log' });
  };
}

function installHooks(app: FastifyInstance, log: Logger): void {
  // onSend also runs for error and 404 replies, so no response leaves without the headers.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });
  // Logged by hand: Fastify's logger would print request headers, Authorization among them.
  app.addHook('onResponse', async (request, reply) => {
    log.debug(
      {
        method: request.method,
        path: pathOf(request),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        user: actorName(request),
      },
      'api request',
    );
  });
  app.setErrorHandler(errorHandler(log));
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'not_found', message: `no route for ${request.method} ${pathOf(request).slice(0, 100)}` });
  });
}

export interface RouteEntry {
  method: string;
  url: string;
}

const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route the server registered, so the security tests cover new routes without a hand-kept list. */
export function registeredRoutes(app: FastifyInstance): RouteEntry[] {
  return routeTables.get(app) ?? [];
}

/** The API and web inbox, ready for inject() or listen(); nothing is listening yet. */
export async function buildServer(ctx: AppContext): Promise<FastifyInstance> {
  // Only the configured proxies may tell us the client's address; anyone else's X-Forwarded-For is ignored.
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, trustProxy: ctx.config.api.trustProxy ?? false });
  const routes: RouteEntry[] = [];
  routeTables.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  installHooks(app, ctx.log);
  app.addHook('onRequest', warnAboutUntrustedProxy(ctx.config, ctx.log));
  registerHealthRoutes(app, ctx);
  registerMetricsRoute(app, ctx);
  await registerStatic(app, ctx.log);
  await app.register(slackRoutes(ctx));
  await registerSessionRoutes(app, ctx);
  // Encapsulated scope: every route registered in here gets the auth hook, whatever its URL looks like.
  await app.register(
    async (api) => {
      api.addHook('onRequest', authenticate(ctx));
      api.addHook('onSend', async (_request, reply, payload) => {
        reply.header('Cache-Control', 'no-store');
        return payload;
      });
      registerInboxRoutes(api, ctx);
      registerSearchRoutes(api, ctx);
      registerActionRoutes(api, ctx);
      registerBulkRoutes(api, ctx);
      registerItemRoutes(api, ctx);
      registerAdminRoutes(api, ctx);
      registerDirectoryRoutes(api, ctx);
      registerTriageRoutes(api, ctx);
      registerEventRoutes(api, ctx);
      registerAnalyticsRoutes(api, ctx);
      registerSourceRoutes(api, ctx);
      registerDraftRoutes(api, ctx);
      registerSpikeRoutes(api, ctx);
    },
    { prefix: '/api' },
  );
  await app.ready();
  return app;
}

export async function startApi(ctx: AppContext): Promise<{ close(): Promise<void>; url: string }> {
  const app = await buildServer(ctx);
  let address: string;
  try {
    address = await app.listen({ host: ctx.config.api.host, port: ctx.config.api.port });
  } catch (err) {
    await app.close();
    throw err;
  }
  ctx.log.info({ address }, 'API and web inbox listening');
  return {
    url: address,
    async close() {
      await app.close();
    },
  };
}
