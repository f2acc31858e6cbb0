import type { Db } from '../postgres/pool.js';

/**
 * The enum types of migration 24 (sql/schema-coded-columns.ts) and how a value they do not know
 * yet gets in: a writer names the values it is about to store, and those the type lacks are
 * added (ALTER TYPE … ADD VALUE, committed on its own connection before the write uses them).
 * New values are rare (a category added to triage, a status added to the inbox), so the labels are
 * cached per pool; a miss reads them again first, since another process may have added it.
 */
export type EnumType = 'earshot_stage' | 'earshot_sentiment' | 'earshot_category' | 'earshot_status';

const cache = new WeakMap<Db, Map<EnumType, Set<string>>>();

async function load(db: Db, type: EnumType): Promise<Set<string>> {
  const { rows } = await db.query<{ label: string }>('SELECT enumlabel AS label FROM pg_enum WHERE enumtypid = $1::regtype', [type]);
  const labels = new Set(rows.map((r) => r.label));
  let byType = cache.get(db);
  if (!byType) cache.set(db, (byType = new Map()));
  byType.set(type, labels);
  return labels;
}

function cached(db: Db, type: EnumType): Set<string> | undefined {
  return cache.get(db)?.get(type);
}

/** Whether the type has this value: a filter for a value nothing was ever stored with matches nothing. */
export async function isLabel(db: Db, type: EnumType, value: string): Promise<boolean> {
  if (cached(db, type)?.has(value)) return true;
  return (await load(db, type)).has(value);
}

const DUPLICATE = '23505';
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Adds the values the type lacks; call it before the transaction that writes them. */
export async function ensureLabels(db: Db, type: EnumType, values: Iterable<string | null | undefined>): Promise<void> {
  const wanted = new Set<string>();
  for (const v of values) if (v !== null && v !== undefined) wanted.add(v);
  const have = cached(db, type);
  if ([...wanted].every((v) => have?.has(v))) return;
  const labels = await load(db, type);
  for (const v of wanted) {
    if (labels.has(v)) continue;
    try {
      await db.query(`ALTER TYPE ${type} ADD VALUE IF NOT EXISTS ${quote(v)}`);
    } catch (err) {
      // Another process added it at the same moment.
      if ((err as { code?: string }).code !== DUPLICATE) throw err;
    }
    labels.add(v);
  }
}

/** The item columns that are enums, by item field. */
export const ITEM_ENUMS: Readonly<Record<string, EnumType>> = {
  status: 'earshot_status',
  category: 'earshot_category',
  sentiment: 'earshot_sentiment',
};

/** ensureLabels for the enum fields of an item change (a status, a corrected category). */
export async function ensureItemLabels(db: Db, set: Record<string, unknown>): Promise<void> {
  for (const [field, type] of Object.entries(ITEM_ENUMS)) {
    const v = set[field];
    if (typeof v === 'string') await ensureLabels(db, type, [v]);
  }
}

/** ensureLabels for rows about to be written (records of `earshot migrate-from-redis`), by the column each type is in. */
export async function ensureRowLabels(
  db: Db,
  rows: ReadonlyArray<Record<string, unknown>>,
  columns: Record<string, EnumType>,
): Promise<void> {
  for (const [column, type] of Object.entries(columns)) {
    await ensureLabels(
      db,
      type,
      rows.map((r) => (typeof r[column] === 'string' ? r[column] : null)),
    );
  }
}
