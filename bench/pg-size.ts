import type { Db } from '../src/postgres/pool.js';

/** The tables that grow with stored mentions (sources, sessions and the like stay small). */
const RECORD_TABLES = [
  'mentions',
  // Mentions not routed yet (migration 26): empty after a drain, its disk given back by the health job.
  'mention_pending',
  // The vocabulary of stored words (migration 20): it stands in for a trigram index over every post.
  'mention_words',
  'authors',
  'inbox_items',
  'draft_versions',
  'replies',
  'audit_log',
  'outbox',
  'corrections',
];

export interface PgSize {
  mentions: number;
  /** Heap, TOAST and every index of the record tables, per stored mention. */
  bytesPerMention: number;
  tables: Array<{ table: string; bytes: number; indexBytes: number; perMention: number }>;
  /** The largest indexes, per stored mention: where a smaller footprint would come from. */
  indexes: Array<{ index: string; perMention: number }>;
  /** Average stored bytes of each column of the widest tables, per row (pg_column_size, compressed if it was). */
  columns: Array<{ table: string; rows: number; bytes: Array<{ column: string; avg: number }> }>;
}

/** The tables whose row formats decide most of the footprint. */
const WIDE_TABLES = ['mentions', 'inbox_items'];

async function columnSizes(db: Db): Promise<PgSize['columns']> {
  const out: PgSize['columns'] = [];
  for (const table of WIDE_TABLES) {
    const cols = await db.query<{ name: string }>(
      `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [table],
    );
    if (cols.rows.length === 0) continue;
    const list = cols.rows.map((c, i) => `avg(coalesce(pg_column_size(${JSON.stringify(c.name)}), 0))::float8 AS c${i}`).join(', ');
    // The whole row as a composite value: its columns with their alignment padding (and a 24-byte datum header).
    const { rows } = await db.query<Record<string, number>>(
      `SELECT count(*)::float8 AS n, avg(pg_column_size(t.*))::float8 AS whole, ${list} FROM ${table} t`,
    );
    const r = rows[0] ?? {};
    const bytes = cols.rows.map((c, i) => ({ column: c.name, avg: Number(r[`c${i}`] ?? 0) })).sort((a, b) => b.avg - a.avg);
    out.push({ table, rows: Number(r['n'] ?? 0), bytes: [{ column: '(row)', avg: Number(r['whole'] ?? 0) }, ...bytes] });
  }
  return out;
}

/**
 * PostgreSQL's bytes per stored mention, indexes included (pg_total_relation_size). VACUUM
 * first, as autovacuum would soon do: GIN's pending entries move into the index proper and the
 * space of dead row versions (stage updates) is marked for reuse.
 */
export async function pgBytesPerMention(db: Db): Promise<PgSize> {
  for (const t of RECORD_TABLES) await db.query(`VACUUM ${t}`);
  const { rows } = await db.query<{ table: string; bytes: number; index_bytes: number }>(
    `SELECT c.relname AS table, pg_total_relation_size(c.oid)::bigint AS bytes, pg_indexes_size(c.oid)::bigint AS index_bytes
     FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1)`,
    [RECORD_TABLES],
  );
  const idx = await db.query<{ index: string; bytes: number }>(
    `SELECT i.indexrelid::regclass::text AS index, pg_relation_size(i.indexrelid)::bigint AS bytes
     FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1)
     ORDER BY 2 DESC LIMIT 20`,
    [RECORD_TABLES],
  );
  const mentions = Number((await db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM mentions')).rows[0]?.n ?? 0);
  const total = rows.reduce((n, r) => n + Number(r.bytes), 0);
  return {
    mentions,
    bytesPerMention: mentions ? total / mentions : Number.NaN,
    tables: rows
      .map((r) => ({
        table: r.table,
        bytes: Number(r.bytes),
        indexBytes: Number(r.index_bytes),
        perMention: mentions ? Number(r.bytes) / mentions : Number.NaN,
      }))
      .sort((a, b) => b.bytes - a.bytes),
    indexes: idx.rows.map((r) => ({ index: r.index, perMention: mentions ? Number(r.bytes) / mentions : Number.NaN })),
    columns: await columnSizes(db),
  };
}
