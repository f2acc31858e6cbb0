import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, registeredRoutes, type RouteEntry } from '../src/api/server.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';

/** Routes that are public on purpose; everything else must refuse a request without credentials. */
const PUBLIC = [
  /^\/$/,
  /^\/index\.html$/,
  /^\/app\.(js|css)$/,
  /^\/favicon\.(svg|ico)$/,
  /^\/js\//,
  /^\/healthz$/,
  /^\/readyz$/,
  /^\/metrics$/,
  /^\/slack\/interactivity$/,
  /^\/session/,
  /^\/api\/session/,
  /^\/api\/login/,
  /^\/api\/logout/,
];

/** Lowest role for each protected route; a route missing here fails the test until someone decides. */
const LOWEST: Array<[RegExp, keyof typeof TOKENS]> = [
  [/^GET \/api\/(me|inbox|items\/:id|sources|events|analytics|search|export\/mentions\.csv)$/, 'viewer'],
  [/^(PUT|POST) \/api\/items\/:id\/(draft|assign|reject|snooze|triage|approve)$/, 'responder'],
  [/^GET \/api\/(items\/:id\/drafts|drafting)$/, 'viewer'],
  [/^POST \/api\/items\/:id\/drafts\/(use|rewrite)$/, 'responder'],
  [/^POST \/api\/items\/bulk$/, 'responder'],
  [/^(GET|POST) \/api\/views$/, 'viewer'],
  [/^DELETE \/api\/views\/:id$/, 'viewer'],
  [/^POST \/api\/items\/:id\/resend$/, 'approver'],
  [/^GET \/api\/(audit|audit\/page|export\/audit\.csv)$/, 'approver'],
  [/^GET \/api\/dead-letters$/, 'admin'],
  [/^POST \/api\/sources\/:id\/test$/, 'admin'],
  [/^GET \/api\/(tags|presence|mentions|items\/:id\/team)$/, 'viewer'],
  [/^POST \/api\/items\/:id\/(presence|preview)$/, 'viewer'],
  [/^POST \/api\/items\/:id\/(undo|reopen|notes|tags|link|unlink|close-answered)$/, 'responder'],
  [/^DELETE \/api\/items\/:id\/tags\/:tag$/, 'responder'],
  // Spike verbs check the verb's own role inside (mark as expected: approver).
  [/^GET \/api\/spikes(\/chart|\/:id)?$/, 'viewer'],
  [/^POST \/api\/spikes\/:id\/:verb$/, 'viewer'],
  [/^POST \/api\/spikes\/:id\/holding-reply$/, 'responder'],
  [/^(GET|POST|PATCH) \/api\/admin\/(users|brands)(\/:(name|id)(\/end-sessions)?)?$/, 'admin'],
];
const RANK = ['viewer', 'responder', 'approver', 'admin'] as const;

const concrete = (r: RouteEntry) =>
  r.url.replace(':id', r.url.includes('/brands/') ? 'acme' : 'm_0123456789012345678901').replace(':name', 'viewer');

describe('every route refuses strangers and roles below its own', () => {
  let app: TestApp;
  let server: FastifyInstance;
  let protectedRoutes: RouteEntry[];

  beforeAll(async () => {
    app = await testApp();
    server = await buildServer(app.ctx);
    protectedRoutes = registeredRoutes(server).filter((r) => !PUBLIC.some((p) => p.test(r.url)));
  });

  afterAll(async () => {
    await server.close();
    await app.close();
  });

  it('finds the routes it protects', () => {
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(14);
  });

  it('answers 401 without a token, with a wrong token and with a forged session cookie, on every protected route', async () => {
    for (const route of protectedRoutes) {
      for (const headers of [
        {},
        { authorization: 'Bearer not-a-real-token-123' },
        { cookie: 'earshot_session=forged; es_session=forged' },
      ]) {
        const res = await server.inject({
          method: route.method as 'GET',
          url: concrete(route),
          headers,
          payload: route.method === 'GET' ? undefined : {},
        });
        expect(res.statusCode, `${route.method} ${route.url} with ${JSON.stringify(headers)}`).toBe(401);
      }
    }
  });

  it("answers 403 to every role below the route's own", async () => {
    for (const route of protectedRoutes) {
      const key = `${route.method} ${route.url}`;
      const lowest = LOWEST.find(([pattern]) => pattern.test(key))?.[1];
      expect(lowest, `no role decided for ${key}`).toBeDefined();
      for (const role of RANK.slice(0, RANK.indexOf(lowest as (typeof RANK)[number]))) {
        const res = await server.inject({
          method: route.method as 'GET',
          url: concrete(route),
          headers: { authorization: `Bearer ${TOKENS[role]}` },
          payload: route.method === 'GET' ? undefined : {},
        });
        expect(res.statusCode, `${role} on ${key}`).toBe(403);
      }
    }
  });
});
