import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { Role } from '../config/schema.js';
import { logSafe } from '../log.js';
import { appendAudit } from '../store/audit.js';
import { backoffMs, clearLoginFailures, loginState, recordLoginFailure } from '../store/login-throttle.js';
import { createSession, deleteSession } from '../store/sessions.js';
import { actorOf, authenticate, SESSION_COOKIE, sessionOf, sessionTimes } from './auth.js';
import { burnPasswordCheck, verifyPassword } from '../admin/password.js';
import { parseInput } from './routes-common.js';
import { vocabularyFor, type Vocabulary } from './vocabulary.js';

/** Who is signed in, the CSRF token for state changes, and the server's rules the UI follows. */
export type SessionAnswer = Vocabulary & {
  name: string;
  role: Role;
  csrfToken: string | null;
  /** Only on GET: who may approve what (the `approval` section of the config). */
  policy?: AppContext['config']['approval'];
};

export interface OkAnswer {
  ok: true;
}

const LoginBody = z.object({
  name: z.string().min(1).max(64),
  // scrypt cost grows with input length only a little, but there is no reason to hash megabytes.
  password: z.string().min(1).max(1024),
});

/** Secure whenever the inbox is reached over https, directly or per the configured public URL. */
function cookieFlags(ctx: AppContext, request: FastifyRequest): string {
  const https = request.protocol === 'https' || (ctx.config.api.publicUrl ?? '').startsWith('https:');
  return `Path=/; HttpOnly; SameSite=Strict${https ? '; Secure' : ''}`;
}

function setCookie(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, id: string): void {
  const maxAge = Math.floor(ctx.config.api.sessions.absolute / 1000);
  reply.header('Set-Cookie', `${SESSION_COOKIE}=${id}; ${cookieFlags(ctx, request)}; Max-Age=${maxAge}`);
}

function clearCookie(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('Set-Cookie', `${SESSION_COOKIE}=; ${cookieFlags(ctx, request)}; Max-Age=0`);
}

/** One message for unknown user and wrong password, so the answer does not reveal who exists. */
const BAD_LOGIN = { error: 'unauthorized', message: 'wrong user name or password' };

export interface SessionRouteOptions {
  /** How a sign-in waits out its account's back-off; tests record the waits instead of sitting through them. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function tooMany(reply: FastifyReply, retryAfterMs: number): FastifyReply {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return reply
    .code(429)
    .header('Retry-After', String(seconds))
    .send({ error: 'too_many_requests', message: `too many failed sign-ins from this address; try again in ${seconds} s` });
}

/**
 * `request.ip` is the client's address, read through api.trustProxy when the inbox sits behind a
 * proxy; otherwise every client would share the proxy's address and one guesser would shut
 * everybody out.
 */
async function login(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  sleep: (ms: number) => Promise<void>,
): Promise<SessionAnswer | FastifyReply> {
  const body = parseInput(LoginBody, request.body, 'body');
  const limits = { maxFailures: ctx.config.api.sessions.maxLoginFailures, windowMs: ctx.config.api.sessions.loginWindow };
  const state = await loginState(ctx.redis, ctx.keys, body.name, request.ip);
  if (state.pair.count >= limits.maxFailures) return tooMany(reply, state.pair.retryAfterMs);
  const wait = backoffMs(state.account, limits.maxFailures);
  if (wait > 0) await sleep(wait);
  const found = ctx.directory.user(body.name);
  const user = found?.passwordHash ? found : undefined;
  const ok = user?.passwordHash ? await verifyPassword(body.password, user.passwordHash) : (await burnPasswordCheck(body.password), false);
  if (!user || !ok) {
    await recordLoginFailure(ctx.redis, ctx.keys, body.name, request.ip, limits.windowMs);
    ctx.log.info({ user: body.name.slice(0, 64), ip: request.ip, accountFailures: state.account + 1, waitedMs: wait }, 'failed sign-in');
    // The name as typed, without control characters, never the password. Attempts refused with 429
    // above are not written: a guesser past the limit must not be able to fill the log.
    await appendAudit(ctx.db, 'anonymous', 'session.sign_in_failed', undefined, {
      name: logSafe(body.name, 64),
      address: request.ip,
      known: Boolean(user),
    });
    return reply.code(401).send(BAD_LOGIN);
  }
  await clearLoginFailures(ctx.redis, ctx.keys, body.name, request.ip);
  await appendAudit(ctx.db, user.name, 'session.signed_in', undefined, { address: request.ip });
  const { id, session } = await createSession(ctx.redis, ctx.config.redis.prefix, user.name, sessionTimes(ctx.config, ctx.now));
  setCookie(ctx, request, reply, id);
  return { name: user.name, role: user.role, csrfToken: session.csrf, ...vocabularyFor(user.role) };
}

/**
 * Sign-in is the one /api route without authentication; who-am-I and sign-out sit behind the
 * same hook as every other route (sign-out is a state change, so it needs the CSRF token).
 */
export async function registerSessionRoutes(app: FastifyInstance, ctx: AppContext, options: SessionRouteOptions = {}): Promise<void> {
  const sleep = options.sleep ?? realSleep;
  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('Cache-Control', 'no-store');
      return payload;
    });
    scope.post('/api/session', async (request, reply) => login(ctx, request, reply, sleep));
    await scope.register(async (authed) => {
      authed.addHook('onRequest', authenticate(ctx));
      authed.get('/api/session', async (request): Promise<SessionAnswer> => {
        const actor = actorOf(request);
        const current = sessionOf(request);
        return {
          name: actor.name,
          role: actor.role,
          csrfToken: current?.session.csrf ?? null,
          policy: ctx.config.approval,
          ...vocabularyFor(actor.role),
        };
      });
      authed.delete('/api/session', async (request, reply): Promise<OkAnswer> => {
        const current = sessionOf(request);
        if (current) {
          await deleteSession(ctx.redis, ctx.config.redis.prefix, current.id);
          await appendAudit(ctx.db, actorOf(request).name, 'session.signed_out', undefined, { address: request.ip });
        }
        clearCookie(ctx, request, reply);
        return { ok: true };
      });
    });
  });
}
