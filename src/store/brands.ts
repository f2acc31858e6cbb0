import type pg from 'pg';
import type { BrandConfig } from '../config/schema.js';
import { BRAND_COLUMNS, DirectoryConflict, toBrand, type DirectoryBrand, type ManagedBy } from './directory.js';

export type BrandPatch = Partial<Omit<BrandConfig, 'id'>>;

export async function insertBrand(
  client: pg.PoolClient,
  brand: BrandConfig,
  managedBy: ManagedBy,
  now = Date.now(),
): Promise<DirectoryBrand> {
  const { rows } = await client.query(
    `INSERT INTO brands (id, name, keywords, handles, hashtags, managed_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ${BRAND_COLUMNS}`,
    [brand.id, brand.name, brand.keywords, brand.handles, brand.hashtags, managedBy, now],
  );
  return toBrand(rows[0]);
}

export async function updateBrand(
  client: pg.PoolClient,
  id: string,
  patch: BrandPatch,
  managedBy: ManagedBy = 'admin',
  now = Date.now(),
): Promise<{ before: DirectoryBrand; after: DirectoryBrand }> {
  const found = await client.query(`SELECT ${BRAND_COLUMNS} FROM brands WHERE id = $1 FOR UPDATE`, [id]);
  if (!found.rows[0]) throw new DirectoryConflict(404, `no brand with id "${id}"`);
  const before = toBrand(found.rows[0]);
  const next = { ...before, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
  const { rows } = await client.query(
    `UPDATE brands SET name = $2, keywords = $3, handles = $4, hashtags = $5, managed_by = $6, updated_at = $7 WHERE id = $1 RETURNING ${BRAND_COLUMNS}`,
    [id, next.name, next.keywords, next.handles, next.hashtags, managedBy, now],
  );
  return { before, after: toBrand(rows[0]) };
}
