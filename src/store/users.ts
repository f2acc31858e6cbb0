import type pg from 'pg';
import type { Role } from '../config/schema.js';
import { DirectoryConflict, toUser, USER_COLUMNS, type DirectoryUser, type ManagedBy } from './directory.js';

export interface NewUser {
  name: string;
  role: Role;
  passwordHash: string | null;
  tokenHash: string | null;
  slackUserId: string | null;
}

/** What an admin may change; a field left out stays as it is. */
export interface UserPatch {
  role?: Role;
  passwordHash?: string | null;
  tokenHash?: string | null;
  slackUserId?: string | null;
  disabled?: boolean;
}

export async function insertUser(client: pg.PoolClient, user: NewUser, managedBy: ManagedBy, now = Date.now()): Promise<DirectoryUser> {
  const { rows } = await client.query(
    `INSERT INTO users (name, role, token_hash, password_hash, slack_user_id, disabled_at, managed_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $7) RETURNING ${USER_COLUMNS}`,
    [user.name, user.role, user.tokenHash, user.passwordHash, user.slackUserId, managedBy, now],
  );
  return toUser(rows[0]);
}

/** Applies the patch and marks the row as set by a person (see schema-directory.ts); 404 when there is no such user. */
export async function updateUser(
  client: pg.PoolClient,
  name: string,
  patch: UserPatch,
  managedBy: ManagedBy = 'admin',
  now = Date.now(),
): Promise<{ before: DirectoryUser; after: DirectoryUser }> {
  const found = await client.query(`SELECT ${USER_COLUMNS} FROM users WHERE name = $1 FOR UPDATE`, [name]);
  if (!found.rows[0]) throw new DirectoryConflict(404, `no user named "${name}"`);
  const before = toUser(found.rows[0]);
  const sets: string[] = [];
  const params: unknown[] = [name];
  const set = (column: string, value: unknown, expr = (p: string) => p) => {
    params.push(value);
    sets.push(`${column} = ${expr(`$${params.length}`)}`);
  };
  if (patch.role !== undefined) set('role', patch.role);
  if (patch.passwordHash !== undefined) set('password_hash', patch.passwordHash);
  if (patch.tokenHash !== undefined) set('token_hash', patch.tokenHash);
  if (patch.slackUserId !== undefined) set('slack_user_id', patch.slackUserId);
  // Disabling keeps the first time it happened; enabling clears it.
  if (patch.disabled === true) set('disabled_at', now, (p) => `coalesce(disabled_at, ${p})`);
  if (patch.disabled === false) sets.push('disabled_at = NULL');
  set('managed_by', managedBy);
  set('updated_at', now);
  const { rows } = await client.query(`UPDATE users SET ${sets.join(', ')} WHERE name = $1 RETURNING ${USER_COLUMNS}`, params);
  return { before, after: toUser(rows[0]) };
}
