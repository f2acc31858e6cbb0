import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { hashToken } from '../config/load.js';
import { Id } from '../config/fields.js';
import { Roles, type Role } from '../config/schema.js';
import { hashPassword } from './password.js';
import { appendAudit } from '../store/audit.js';
import { changeDirectory, DirectoryConflict, type DirectoryBrand, type DirectoryUser } from '../store/directory.js';
import { insertBrand, updateBrand } from '../store/brands.js';
import { revokeUserSessions } from '../store/sessions.js';
import { insertUser, updateUser, type UserPatch } from '../store/users.js';

/**
 * Users and brands changed by a person, from the admin page or the command line. Each change is
 * one transaction with its audit entry; the process that made it reloads before answering and
 * tells the others (see store/directory-cache.ts).
 */
export type AdminCtx = Pick<AppContext, 'db' | 'redis' | 'directory' | 'config' | 'keys' | 'log'>;

export const MIN_PASSWORD = 12;
export const UserName = z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/, 'expected a user name of letters, digits, ".", "_" or "-" (at most 64)');
export const RoleName = z.enum(Roles, { message: `expected one of ${Roles.join(', ')}` });
export const Password = z.string().min(MIN_PASSWORD, `the password must be at least ${MIN_PASSWORD} characters`).max(1024);
const Term = z.string().trim().min(1).max(100);
const Terms = z.array(Term).max(50, 'at most 50 of each');
export const BrandId = Id;
export const BrandFields = z.object({
  name: z.string().trim().min(1).max(100),
  keywords: Terms.default([]),
  handles: Terms.default([]),
  hashtags: Terms.default([]),
});

/** An API token in Earshot's shape; shown once, stored only as its hash. */
export function newToken(): string {
  return `es_${randomBytes(24).toString('base64url')}`;
}

/** What the API and the CLI show of a user: never a hash. */
export function publicUser(u: DirectoryUser) {
  return {
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    password: Boolean(u.passwordHash),
    token: Boolean(u.tokenHash),
    slackUserId: u.slackUserId,
    managedBy: u.managedBy,
    updatedAt: u.updatedAt ? new Date(u.updatedAt).toISOString() : null,
  };
}

export function publicBrand(b: DirectoryBrand) {
  return {
    id: b.id,
    name: b.name,
    keywords: b.keywords,
    handles: b.handles,
    hashtags: b.hashtags,
    managedBy: b.managedBy,
    updatedAt: b.updatedAt ? new Date(b.updatedAt).toISOString() : null,
  };
}

async function opened(ctx: AdminCtx): Promise<void> {
  // A context that never opened its directory (a test, a one-off) would otherwise reload only the new row.
  if (ctx.directory.version < 0)
    await ctx.directory.open({ db: ctx.db, redis: ctx.redis, channel: ctx.keys.directory, log: ctx.log }, { follow: false });
}

export interface NewUserInput {
  name: string;
  role: Role;
  password?: string | undefined;
  /** Mint an API token for this user; it is returned once. */
  token?: boolean | undefined;
}

export async function addUser(ctx: AdminCtx, actor: string, input: NewUserInput): Promise<{ user: DirectoryUser; token: string | null }> {
  await opened(ctx);
  if (!input.password && !input.token) throw new DirectoryConflict(422, 'give the user a password (web sign-in), an API token, or both');
  const token = input.token ? newToken() : null;
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const { version, result } = await changeDirectory(
    ctx.db,
    { actor, action: 'user.added', detail: { user: input.name, role: input.role, password: Boolean(passwordHash), token: Boolean(token) } },
    (client) =>
      insertUser(
        client,
        { name: input.name, role: input.role, passwordHash, tokenHash: token ? hashToken(token) : null, slackUserId: null },
        'admin',
      ),
  );
  await ctx.directory.announce(version);
  return { user: result, token };
}

export interface UserChange {
  role?: Role | undefined;
  disabled?: boolean | undefined;
  password?: string | undefined;
  /** Replace the API token with a new one (returned once). */
  newToken?: boolean | undefined;
}

/** Nobody may lock the team out: the last enabled admin stays an enabled admin. */
function checkLockout(ctx: AdminCtx, actor: string, name: string, change: UserChange): void {
  const target = ctx.directory.users.find((u) => u.name === name);
  if (!target || target.role !== 'admin' || target.disabled) return;
  const losesAdmin = change.disabled === true || (change.role !== undefined && change.role !== 'admin');
  if (!losesAdmin) return;
  if (name === actor) throw new DirectoryConflict(422, 'you cannot disable yourself or take away your own admin role; ask another admin');
  const admins = ctx.directory.users.filter((u) => u.role === 'admin' && !u.disabled);
  if (admins.length <= 1) throw new DirectoryConflict(422, `${name} is the last admin; make someone else admin first`);
}

function auditChanges(before: DirectoryUser, change: UserChange): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (change.role !== undefined && change.role !== before.role) out['role'] = { from: before.role, to: change.role };
  if (change.disabled !== undefined && change.disabled !== before.disabled) out['disabled'] = change.disabled;
  if (change.password) out['password'] = 'reset';
  if (change.newToken) out['token'] = before.tokenHash ? 'replaced' : 'added';
  return out;
}

/**
 * Role, enabled, password, token. Disabling and a password reset also end the user's sessions:
 * whoever knew the old password must not stay signed in with it.
 */
export async function changeUser(
  ctx: AdminCtx,
  actor: string,
  name: string,
  change: UserChange,
): Promise<{ user: DirectoryUser; token: string | null; sessionsEnded: number }> {
  await opened(ctx);
  checkLockout(ctx, actor, name, change);
  const token = change.newToken ? newToken() : null;
  const patch: UserPatch = {
    ...(change.role !== undefined ? { role: change.role } : {}),
    ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
    ...(change.password ? { passwordHash: await hashPassword(change.password) } : {}),
    ...(token ? { tokenHash: hashToken(token) } : {}),
  };
  if (Object.keys(patch).length === 0) throw new DirectoryConflict(422, 'nothing to change: give a role, disabled, a password or newToken');
  const current = ctx.directory.users.find((u) => u.name === name);
  const detail = { user: name, changes: current ? auditChanges(current, change) : {} };
  const { version, result } = await changeDirectory(ctx.db, { actor, action: 'user.changed', detail }, (client) =>
    updateUser(client, name, patch),
  );
  await ctx.directory.announce(version);
  const sessionsEnded = change.disabled || change.password ? await revokeUserSessions(ctx.redis, ctx.config.redis.prefix, name) : 0;
  return { user: result.after, token, sessionsEnded };
}

export async function endSessions(ctx: AdminCtx, actor: string, name: string): Promise<number> {
  await opened(ctx);
  if (!ctx.directory.users.some((u) => u.name === name)) throw new DirectoryConflict(404, `no user named "${name}"`);
  const ended = await revokeUserSessions(ctx.redis, ctx.config.redis.prefix, name);
  await appendAudit(ctx.db, actor, 'user.sessions-ended', undefined, { user: name, sessions: ended });
  return ended;
}

export async function addBrand(ctx: AdminCtx, actor: string, brand: DirectoryBrandInput): Promise<DirectoryBrand> {
  await opened(ctx);
  const { version, result } = await changeDirectory(
    ctx.db,
    { actor, action: 'brand.added', detail: { brand: brand.id, ...brand } },
    (client) => insertBrand(client, brand, 'admin'),
  );
  await ctx.directory.announce(version);
  return result;
}

export type DirectoryBrandInput = { id: string } & z.infer<typeof BrandFields>;

export async function editBrand(
  ctx: AdminCtx,
  actor: string,
  id: string,
  patch: Partial<z.infer<typeof BrandFields>>,
): Promise<DirectoryBrand> {
  await opened(ctx);
  const current = ctx.directory.brand(id);
  const changes = current
    ? Object.fromEntries(
        Object.entries(patch)
          .filter(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(current[k as keyof typeof current]))
          .map(([k, v]) => [k, { from: current[k as keyof typeof current], to: v }]),
      )
    : {};
  const { version, result } = await changeDirectory(ctx.db, { actor, action: 'brand.changed', detail: { brand: id, changes } }, (client) =>
    updateBrand(client, id, patch),
  );
  await ctx.directory.announce(version);
  return result.after;
}
