import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Directory } from '../store/directory-cache.js';
import type { Config } from '../config/load.js';
import type { Actor } from '../inbox/actions.js';
import { can, describeNeed, type Action } from '../inbox/permissions.js';
import type { Redis } from 'ioredis';
import { touchSession, type Session, type SessionTimes } from '../store/sessions.js';

// A WeakMap instead of a request decoration keeps the actor out of Fastify's global types and
// lets it vanish with the request.
const actors = new WeakMap<FastifyRequest, Actor>();
/** Only for cookie-authenticated requests: which session, so logout and CSRF can use it. */
const sessions = new WeakMap<FastifyRequest, { id: string; session: Session }>();

export const SESSION_COOKIE = 'earshot_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

function unauthorized(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(401).header('WWW-Authenticate', 'Bearer').send({ error: 'unauthorized', message });
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

export interface AuthDeps {
  config: Pick<Config, 'api' | 'redis'>;
  directory: Directory;
  redis: Redis;
  now: () => number;
}

export function sessionTimes(config: Pick<Config, 'api'>, now: () => number): SessionTimes {
  return { idleMs: config.api.sessions.idle, absoluteMs: config.api.sessions.absolute, now };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Cookie sessions for the browser. Every state change must echo the session's CSRF token in
 * x-csrf-token: a cross-site form can send the cookie (older browsers ignore SameSite) but cannot
 * read the token. Answers the refusal itself and returns null, or returns the actor.
 */
async function sessionActor(deps: AuthDeps, request: FastifyRequest, reply: FastifyReply, id: string): Promise<Actor | null> {
  const session = await touchSession(deps.redis, deps.config.redis.prefix, id, sessionTimes(deps.config, deps.now));
  // A disabled user loses their sessions at once; the role is read fresh each time.
  const user = session ? deps.directory.user(session.user) : undefined;
  if (!session || !user) {
    unauthorized(reply, 'your session has ended; sign in again');
    return null;
  }
  if (!SAFE_METHODS.has(request.method)) {
    const presented = request.headers['x-csrf-token'];
    if (typeof presented !== 'string' || !sameSecret(presented, session.csrf)) {
      reply.code(403).send({ error: 'forbidden', message: 'missing or wrong x-csrf-token header; reload the page' });
      return null;
    }
  }
  sessions.set(request, { id, session });
  return { name: user.name, role: user.role };
}

/**
 * onRequest hook for the /api scope: runs before the body is read, so strangers cannot make us
 * parse it. A bearer token wins over a cookie: API clients are not cookie-authenticated, so they
 * need no CSRF token.
 */
export function authenticate(deps: AuthDeps): onRequestHookHandler {
  return async function (request, reply) {
    const token = bearerToken(request.headers.authorization);
    if (token) {
      const user = deps.directory.userByToken(token);
      if (!user) return unauthorized(reply, 'unknown API token');
      actors.set(request, { name: user.name, role: user.role });
      return;
    }
    const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!cookie) return unauthorized(reply, 'sign in, or send an API token as "Authorization: Bearer <token>"');
    const actor = await sessionActor(deps, request, reply, cookie);
    if (!actor) return reply;
    actors.set(request, actor);
  };
}

/** The cookie session behind this request, or null when it came with a bearer token. */
export function sessionOf(request: FastifyRequest): { id: string; session: Session } | null {
  return sessions.get(request) ?? null;
}

export class ForbiddenError extends Error {
  readonly status = 403;
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** Route-level onRequest hook; the scope's authenticate hook has already run. */
export function requireRole(action: Action): onRequestHookHandler {
  return async function (request) {
    const actor = actorOf(request);
    if (!can(actor.role, action)) {
      throw new ForbiddenError(`this needs ${describeNeed(action)}; ${actor.name} is ${actor.role}`);
    }
  };
}

export function actorOf(request: FastifyRequest): Actor {
  const actor = actors.get(request);
  // Reaching a handler without an actor means a route was registered outside the authenticated scope.
  if (!actor) throw new Error(`no authenticated actor for ${request.method} ${request.routeOptions.url ?? '?'}`);
  return actor;
}

/** For request logs: the actor's name when there is one, never the credential. */
export function actorName(request: FastifyRequest): string | undefined {
  return actors.get(request)?.name;
}
