import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  addBrand,
  addUser,
  BrandFields,
  BrandId,
  changeUser,
  editBrand,
  endSessions,
  Password,
  publicBrand,
  publicUser,
  RoleName,
  UserName,
} from '../admin/manage.js';
import type { AppContext } from '../context.js';
import { ActionError } from '../inbox/actions.js';
import { DirectoryConflict } from '../store/directory.js';
import { actorOf, requireRole } from './auth.js';
import { parseInput } from './routes-common.js';

const NewUserBody = z.strictObject({ name: UserName, role: RoleName, password: Password.optional(), token: z.boolean().optional() });
const UserChangeBody = z.strictObject({
  role: RoleName.optional(),
  disabled: z.boolean().optional(),
  password: Password.optional(),
  newToken: z.boolean().optional(),
});
const UserParams = z.object({ name: UserName });
const NewBrandBody = BrandFields.extend({ id: BrandId }).strict();
const BrandChangeBody = BrandFields.partial().strict();
const BrandParams = z.object({ id: BrandId });

export type PublicUser = ReturnType<typeof publicUser>;
export type PublicBrand = ReturnType<typeof publicBrand>;
export interface UsersAnswer {
  users: PublicUser[];
  version: number;
}
/** `token` only when one was just made: it is shown once and never again. */
export interface UserAnswer {
  user: PublicUser;
  sessionsEnded?: number;
  token?: string;
}
export interface SessionsEndedAnswer {
  sessionsEnded: number;
}
export interface BrandsAnswer {
  brands: PublicBrand[];
  version: number;
}
export interface BrandAnswer {
  brand: PublicBrand;
}

/** The store's refusals (a name taken, the last admin) answer as the client's mistake, with the reason. */
async function refusalsAsClientErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DirectoryConflict) throw new ActionError(err.status, err.message);
    throw err;
  }
}

/**
 * Users and brands, for admins. Changes apply to every running process without a restart (see
 * store/directory-cache.ts) and are audited; a new token is in the answer once and never again.
 */
export function registerDirectoryRoutes(api: FastifyInstance, ctx: AppContext): void {
  const admin = { onRequest: requireRole('admin') };

  api.get('/admin/users', admin, async (): Promise<UsersAnswer> => ({
    users: ctx.directory.users.map(publicUser),
    version: ctx.directory.version,
  }));

  api.post('/admin/users', admin, async (request, reply): Promise<FastifyReply> => {
    const body = parseInput(NewUserBody, request.body, 'body');
    const { user, token } = await refusalsAsClientErrors(() => addUser(ctx, actorOf(request).name, body));
    const answer: UserAnswer = { user: publicUser(user), ...(token ? { token } : {}) };
    return reply.code(201).send(answer);
  });

  api.patch('/admin/users/:name', admin, async (request): Promise<UserAnswer> => {
    const { name } = parseInput(UserParams, request.params, 'params');
    const body = parseInput(UserChangeBody, request.body, 'body');
    const { user, token, sessionsEnded } = await refusalsAsClientErrors(() => changeUser(ctx, actorOf(request).name, name, body));
    return { user: publicUser(user), sessionsEnded, ...(token ? { token } : {}) };
  });

  api.post('/admin/users/:name/end-sessions', admin, async (request): Promise<SessionsEndedAnswer> => {
    const { name } = parseInput(UserParams, request.params, 'params');
    return { sessionsEnded: await refusalsAsClientErrors(() => endSessions(ctx, actorOf(request).name, name)) };
  });

  api.get('/admin/brands', admin, async (): Promise<BrandsAnswer> => ({
    brands: ctx.directory.brands.map(publicBrand),
    version: ctx.directory.version,
  }));

  api.post('/admin/brands', admin, async (request, reply) => {
    const body = parseInput(NewBrandBody, request.body, 'body');
    const brand = await refusalsAsClientErrors(() => addBrand(ctx, actorOf(request).name, body));
    const answer: BrandAnswer = { brand: publicBrand(brand) };
    return reply.code(201).send(answer);
  });

  api.patch('/admin/brands/:id', admin, async (request): Promise<BrandAnswer> => {
    const { id } = parseInput(BrandParams, request.params, 'params');
    const body = parseInput(BrandChangeBody, request.body, 'body');
    if (Object.keys(body).length === 0) throw new ActionError(422, 'nothing to change: give name, keywords, handles or hashtags');
    const brand = await refusalsAsClientErrors(() => editBrand(ctx, actorOf(request).name, id, body));
    return { brand: publicBrand(brand) };
  });
}
