import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Config, LoadedUser } from '../config/load.js';
import { hashToken } from '../config/load.js';
import type { Actor } from '../inbox/actions.js';
import { can, requiredRole, type Action } from '../inbox/permissions.js';

// A WeakMap instead of a request decoration keeps the actor out of Fastify's global types and
// lets it vanish with the request.
const actors = new WeakMap<FastifyRequest, Actor>();

/** Compares against every user, without stopping early, so timing does not reveal which hash matched. */
export function findUser(users: readonly LoadedUser[], token: string): LoadedUser | null {
  const presented = Buffer.from(hashToken(token));
  let found: LoadedUser | null = null;
  for (const user of users) {
    const expected = Buffer.from(user.tokenHash);
    if (expected.length === presented.length && timingSafeEqual(expected, presented) && !found) found = user;
  }
  return found;
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

function unauthorized(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(401).header('WWW-Authenticate', 'Bearer').send({ error: 'unauthorized', message });
}

/** onRequest hook for the /api scope: runs before the body is read, so strangers cannot make us parse it. */
export function authenticate(config: Pick<Config, 'users'>): onRequestHookHandler {
  return async function (request, reply) {
    const token = bearerToken(request.headers.authorization);
    if (!token) return unauthorized(reply, 'send an API token as "Authorization: Bearer <token>"');
    const user = findUser(config.users, token);
    if (!user) return unauthorized(reply, 'unknown API token');
    actors.set(request, { name: user.name, role: user.role });
  };
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
      throw new ForbiddenError(`this needs the ${requiredRole(action)} role (or higher); ${actor.name} is ${actor.role}`);
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
