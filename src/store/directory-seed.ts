import type pg from 'pg';
import type { LoadedUser } from '../config/load.js';
import type { BrandConfig } from '../config/schema.js';
import type { Db } from '../postgres/pool.js';
import { appendAudit } from './audit.js';
import { BRAND_COLUMNS, toBrand, toUser, USER_COLUMNS, type DirectoryBrand, type DirectoryUser } from './directory.js';
import { insertBrand, updateBrand } from './brands.js';
import { insertUser, updateUser } from './users.js';

/** Same constant in every process: two starts seeding at once take turns. */
const SEED_LOCK = 0x6561_7275;

export interface SeedReport {
  /** In the file, not in the database: added. */
  added: { users: string[]; brands: string[] };
  /** Set from the file before and changed there since: updated to match. */
  updated: { users: string[]; brands: string[] };
  /** Changed by an admin and different in the file: the database's values are kept. */
  kept: { users: string[]; brands: string[] };
  /** Came from the file and are gone from it: disabled, as removing a user from the file always did. */
  disabled: string[];
  version: number;
}

function sameUser(row: DirectoryUser, file: LoadedUser): boolean {
  return (
    row.role === file.role &&
    row.tokenHash === file.tokenHash &&
    row.passwordHash === file.passwordHash &&
    row.slackUserId === file.slackUserId &&
    !row.disabled
  );
}

function sameBrand(row: DirectoryBrand, file: BrandConfig): boolean {
  const eq = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  return row.name === file.name && eq(row.keywords, file.keywords) && eq(row.handles, file.handles) && eq(row.hashtags, file.hashtags);
}

async function seedUsers(client: pg.PoolClient, users: LoadedUser[], report: SeedReport): Promise<void> {
  const rows = new Map((await client.query(`SELECT ${USER_COLUMNS} FROM users`)).rows.map((r) => [r.name as string, toUser(r)]));
  for (const user of users) {
    const row = rows.get(user.name);
    if (!row) {
      await insertUser(client, user, 'config');
      report.added.users.push(user.name);
    } else if (sameUser(row, user)) continue;
    else if (row.managedBy === 'admin') report.kept.users.push(user.name);
    else {
      await updateUser(
        client,
        user.name,
        { role: user.role, tokenHash: user.tokenHash, passwordHash: user.passwordHash, slackUserId: user.slackUserId, disabled: false },
        'config',
      );
      report.updated.users.push(user.name);
    }
  }
  const named = new Set(users.map((u) => u.name));
  for (const row of rows.values()) {
    if (row.managedBy !== 'config' || row.disabled || named.has(row.name)) continue;
    await updateUser(client, row.name, { disabled: true }, 'config');
    report.disabled.push(row.name);
  }
}

async function seedBrands(client: pg.PoolClient, brands: BrandConfig[], report: SeedReport): Promise<void> {
  const rows = new Map((await client.query(`SELECT ${BRAND_COLUMNS} FROM brands`)).rows.map((r) => [r.id as string, toBrand(r)]));
  for (const brand of brands) {
    const row = rows.get(brand.id);
    if (!row) {
      await insertBrand(client, brand, 'config');
      report.added.brands.push(brand.id);
    } else if (sameBrand(row, brand)) continue;
    else if (row.managedBy === 'admin') report.kept.brands.push(brand.id);
    else {
      await updateBrand(
        client,
        brand.id,
        { name: brand.name, keywords: brand.keywords, handles: brand.handles, hashtags: brand.hashtags },
        'config',
      );
      report.updated.brands.push(brand.id);
    }
  }
}

function changed(r: SeedReport): boolean {
  return [r.added.users, r.added.brands, r.updated.users, r.updated.brands, r.disabled].some((list) => list.length > 0);
}

/**
 * Brings the database in line with the config file's `users` and `brands`: the file seeds what is
 * missing and keeps its own rows current, an admin's change wins over it (see SeedReport).
 */
export async function seedDirectory(db: Db, file: { users: LoadedUser[]; brands: BrandConfig[]; path: string }): Promise<SeedReport> {
  const report: SeedReport = {
    added: { users: [], brands: [] },
    updated: { users: [], brands: [] },
    kept: { users: [], brands: [] },
    disabled: [],
    version: 0,
  };
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    await seedUsers(client, file.users, report);
    await seedBrands(client, file.brands, report);
    const bump = changed(report)
      ? 'UPDATE directory_state SET version = version + 1 RETURNING version'
      : 'SELECT version FROM directory_state';
    report.version = (await client.query<{ version: number }>(bump)).rows[0]?.version ?? 0;
    if (changed(report)) {
      const { added, updated, disabled } = report;
      await appendAudit(client, 'earshot', 'directory.seeded', undefined, { file: file.path, added, updated, disabled });
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return report;
}
