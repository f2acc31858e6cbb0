import type pg from 'pg';
import type { LoadedUser } from '../config/load.js';
import type { BrandConfig, Role } from '../config/schema.js';
import type { Db } from '../postgres/pool.js';
import { appendAudit } from './audit.js';

export type ManagedBy = 'config' | 'admin';

export interface DirectoryUser extends LoadedUser {
  disabled: boolean;
  managedBy: ManagedBy;
  createdAt: number;
  updatedAt: number;
}

export interface DirectoryBrand extends BrandConfig {
  managedBy: ManagedBy;
  createdAt: number;
  updatedAt: number;
}

/** Everyone who may sign in and every brand listened for, as of `version`. */
export interface DirectorySnapshot {
  version: number;
  users: DirectoryUser[];
  brands: DirectoryBrand[];
}

interface UserRow {
  name: string;
  role: Role;
  token_hash: string | null;
  password_hash: string | null;
  slack_user_id: string | null;
  disabled_at: number | null;
  managed_by: ManagedBy;
  created_at: number;
  updated_at: number;
}

interface BrandRow {
  id: string;
  name: string;
  keywords: string[];
  handles: string[];
  hashtags: string[];
  managed_by: ManagedBy;
  created_at: number;
  updated_at: number;
}

export const USER_COLUMNS = 'name, role, token_hash, password_hash, slack_user_id, disabled_at, managed_by, created_at, updated_at';
export const BRAND_COLUMNS = 'id, name, keywords, handles, hashtags, managed_by, created_at, updated_at';

export function toUser(r: UserRow): DirectoryUser {
  return {
    name: r.name,
    role: r.role,
    tokenHash: r.token_hash,
    passwordHash: r.password_hash,
    slackUserId: r.slack_user_id,
    disabled: r.disabled_at !== null,
    managedBy: r.managed_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toBrand(r: BrandRow): DirectoryBrand {
  return {
    id: r.id,
    name: r.name,
    keywords: r.keywords,
    handles: r.handles,
    hashtags: r.hashtags,
    managedBy: r.managed_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** One consistent read: the version and the rows it describes come from the same snapshot. */
export async function loadDirectory(db: Db): Promise<DirectorySnapshot> {
  const client = await db.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const version = await client.query<{ version: number }>('SELECT version FROM directory_state');
    const users = await client.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY name`);
    const brands = await client.query<BrandRow>(`SELECT ${BRAND_COLUMNS} FROM brands ORDER BY id`);
    await client.query('COMMIT');
    return { version: version.rows[0]?.version ?? 0, users: users.rows.map(toUser), brands: brands.rows.map(toBrand) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function directoryVersion(db: Db): Promise<number> {
  const { rows } = await db.query<{ version: number }>('SELECT version FROM directory_state');
  return rows[0]?.version ?? 0;
}

export interface DirectoryAudit {
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

/** Refusals the caller can show as they are (a name taken, nothing to change). */
export class DirectoryConflict extends Error {
  constructor(
    readonly status: 404 | 409 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'DirectoryConflict';
  }
}

/**
 * Runs one change with its audit entry and the version bump in one transaction, so no process
 * can see the change without the new version, or the version without the change. Returns the
 * new version and what `change` returned.
 */
export async function changeDirectory<T>(
  db: Db,
  audit: DirectoryAudit | null,
  change: (client: pg.PoolClient) => Promise<T>,
): Promise<{ version: number; result: T }> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await change(client);
    const { rows } = await client.query<{ version: number }>('UPDATE directory_state SET version = version + 1 RETURNING version');
    if (audit) await appendAudit(client, audit.actor, audit.action, undefined, audit.detail);
    await client.query('COMMIT');
    return { version: rows[0]?.version ?? 0, result };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((err as { code?: string }).code === '23505') throw new DirectoryConflict(409, uniqueMessage(err as { constraint?: string }));
    throw err;
  } finally {
    client.release();
  }
}

function uniqueMessage(err: { constraint?: string }): string {
  if (err.constraint === 'users_token_hash_key') return 'another user already has this API token; make a new one';
  if (err.constraint === 'users_slack_user_id_key') return 'another user already has this Slack member id';
  if (err.constraint === 'brands_pkey') return 'a brand with this id exists already';
  return 'a user with this name exists already';
}
