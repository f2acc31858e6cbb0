import type { Db } from '../postgres/pool.js';

/** A named set of queue filters, one person's own (the names are unique per person). */
export interface SavedView {
  id: string;
  name: string;
  filters: Record<string, string>;
  createdAt: number;
}

/** More than this many views per person is a list nobody reads; the API refuses the next. */
export const MAX_VIEWS = 50;

interface ViewRow {
  id: string;
  name: string;
  filters: Record<string, string>;
  created_at: number;
}

const toView = (r: ViewRow): SavedView => ({ id: String(r.id), name: r.name, filters: r.filters, createdAt: Number(r.created_at) });

export async function listViews(db: Db, owner: string): Promise<SavedView[]> {
  const { rows } = await db.query<ViewRow>('SELECT id, name, filters, created_at FROM saved_views WHERE owner = $1 ORDER BY name, id', [
    owner,
  ]);
  return rows.map(toView);
}

/**
 * Saves a view under its name, replacing the person's view of that name (saving "Urgent" again
 * updates it). Null when the person already has MAX_VIEWS other views.
 */
export async function saveView(db: Db, owner: string, name: string, filters: Record<string, string>): Promise<SavedView | null> {
  const { rows } = await db.query<ViewRow>(
    `INSERT INTO saved_views (owner, name, filters, created_at)
     SELECT $1, $2, $3::jsonb, $4 WHERE (SELECT count(*) FROM saved_views WHERE owner = $1 AND name <> $2) < $5
     ON CONFLICT (owner, name) DO UPDATE SET filters = EXCLUDED.filters
     RETURNING id, name, filters, created_at`,
    [owner, name, JSON.stringify(filters), Date.now(), MAX_VIEWS],
  );
  return rows[0] ? toView(rows[0]) : null;
}

/** Only the owner's own view is deleted; false when there is none with that id. */
export async function deleteView(db: Db, owner: string, id: string): Promise<boolean> {
  const res = await db.query('DELETE FROM saved_views WHERE owner = $1 AND id = $2', [owner, id]);
  return (res.rowCount ?? 0) > 0;
}
