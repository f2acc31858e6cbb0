import os from 'node:os';
import type { z } from 'zod';
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
import type { Config } from '../config/load.js';
import type { Role } from '../config/schema.js';
import { logSafe } from '../log.js';
import { DirectoryConflict } from '../store/directory.js';
import { UsageError, type CliArgs } from './args.js';
import { withRuntime } from './commands.js';
import { readPassword } from './users-cmd.js';

/** Who the audit log names for a change made at this terminal. */
function cliActor(): string {
  let login = 'unknown';
  try {
    login = os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the audit still says it came from the command line.
  }
  return `cli:${login}`;
}

function check<S extends z.ZodType>(schema: S, value: unknown, what: string, command: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${what}: ${parsed.error.issues[0]?.message ?? 'not valid'}`, command);
  return parsed.data;
}

/** Store refusals (a name taken, the last admin) are the operator's to fix: one line, exit 2. */
async function refusalsAsUsage<T>(command: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DirectoryConflict) throw new UsageError(err.message, command);
    throw err;
  }
}

const out = (line: string) => process.stdout.write(`${line}\n`);

function showToken(name: string, token: string | null): void {
  if (token) out(`API token for ${name} (shown only once; send it as "Authorization: Bearer <token>"):\n  ${token}`);
}

function nameArg(args: CliArgs, verb: string): string {
  const name = args.positionals[1];
  if (!name) throw new UsageError(`users ${verb} needs a user name: earshot users ${verb} <name>`, 'users');
  return check(UserName, name, 'user name', 'users');
}

async function usersWork(ctx: AppContext, args: CliArgs, verb: string): Promise<void> {
  const actor = cliActor();
  if (verb === 'list') {
    for (const u of ctx.directory.users.map(publicUser)) {
      const how = [u.password ? 'password' : null, u.token ? 'token' : null].filter(Boolean).join('+') || 'no sign-in';
      out(
        `${u.name.padEnd(20)} ${u.role.padEnd(10)} ${(u.disabled ? 'DISABLED' : 'enabled').padEnd(9)} ${how.padEnd(15)} set by ${u.managedBy}`,
      );
    }
    return;
  }
  const name = nameArg(args, verb);
  if (verb === 'add') {
    if (!args.role) throw new UsageError('users add needs --role <viewer|responder|approver|admin>', 'users');
    const role = check(RoleName, args.role, '--role', 'users') as Role;
    const password =
      args.token && !args.passwordStdin ? undefined : check(Password, await readPassword(args.passwordStdin), 'password', 'users');
    const { user, token } = await refusalsAsUsage('users', () => addUser(ctx, actor, { name, role, password, token: args.token }));
    out(`added ${user.name} (${user.role}); running processes know within seconds`);
    return showToken(user.name, token);
  }
  const change = await userChange(args, verb);
  const { user, token, sessionsEnded } = await refusalsAsUsage('users', async () =>
    verb === 'end-sessions'
      ? { user: null, token: null, sessionsEnded: await endSessions(ctx, actor, name) }
      : changeUser(ctx, actor, name, change),
  );
  out(
    `${name}: ${verb} done${user ? ` (now ${user.role}${user.disabled ? ', disabled' : ''})` : ''}${sessionsEnded ? `; ${sessionsEnded} session(s) ended` : ''}`,
  );
  showToken(name, token);
}

async function userChange(args: CliArgs, verb: string) {
  switch (verb) {
    case 'set-role': {
      const role = args.positionals[2] ?? args.role;
      if (!role) throw new UsageError('users set-role needs a role: earshot users set-role <name> <role>', 'users');
      return { role: check(RoleName, role, 'role', 'users') as Role };
    }
    case 'disable':
      return { disabled: true };
    case 'enable':
      return { disabled: false };
    case 'reset-password':
      return { password: check(Password, await readPassword(args.passwordStdin), 'password', 'users') };
    case 'new-token':
      return { newToken: true };
    case 'end-sessions':
      return {};
    default:
      throw new UsageError(`unknown users command "${verb}"`, 'users');
  }
}

const USER_VERBS = ['list', 'add', 'set-role', 'disable', 'enable', 'reset-password', 'new-token', 'end-sessions'];

export async function usersCommand(config: Config, args: CliArgs): Promise<void> {
  const verb = args.positionals[0];
  if (!verb || !USER_VERBS.includes(verb))
    throw new UsageError(verb ? `unknown users command "${verb}"` : `users needs a command: ${USER_VERBS.join(', ')}`, 'users');
  // Checked before opening anything: a typo must not start an embedded server.
  if (verb !== 'list') nameArg(args, verb);
  await withRuntime(config, (rt) => usersWork(rt.ctx, args, verb));
}

function brandFields(args: CliArgs): Partial<z.infer<typeof BrandFields>> {
  const fields = {
    ...(args.name !== undefined ? { name: args.name } : {}),
    ...(args.keywords ? { keywords: args.keywords } : {}),
    ...(args.handles ? { handles: args.handles } : {}),
    ...(args.hashtags ? { hashtags: args.hashtags } : {}),
  };
  return check(BrandFields.partial(), fields, 'brand', 'brands');
}

export async function brandsCommand(config: Config, args: CliArgs): Promise<void> {
  const [verb, rawId] = args.positionals;
  if (verb !== 'list' && verb !== 'add' && verb !== 'edit')
    throw new UsageError(verb ? `unknown brands command "${verb}"` : 'brands needs a command: list, add or edit', 'brands');
  if (verb === 'list') {
    return withRuntime(config, async ({ ctx }) => {
      for (const b of ctx.directory.brands.map(publicBrand)) {
        const terms = [...b.keywords.map((k) => `"${k}"`), ...b.handles, ...b.hashtags.map((t) => `#${t.replace(/^#/, '')}`)].join(' ');
        out(`${b.id.padEnd(16)} ${logSafe(b.name, 60).padEnd(24)} ${logSafe(terms, 200)}  (set by ${b.managedBy})`);
      }
    });
  }
  if (!rawId) throw new UsageError(`brands ${verb} needs a brand id: earshot brands ${verb} <id>`, 'brands');
  const id = check(BrandId, rawId, 'brand id', 'brands');
  const fields = brandFields(args);
  if (verb === 'add' && !fields.name) throw new UsageError('brands add needs --name <name>', 'brands');
  if (verb === 'edit' && Object.keys(fields).length === 0)
    throw new UsageError('brands edit needs something to change: --name, --keyword, --handle or --hashtag', 'brands');
  await withRuntime(config, async ({ ctx }) => {
    const brand = await refusalsAsUsage('brands', () =>
      verb === 'add'
        ? addBrand(ctx, cliActor(), check(BrandFields.extend({ id: BrandId }), { id, ...fields }, 'brand', 'brands'))
        : editBrand(ctx, cliActor(), id, fields),
    );
    out(`${verb === 'add' ? 'added' : 'updated'} brand ${brand.id} (${logSafe(brand.name, 60)}); running workers use it within seconds`);
  });
}
