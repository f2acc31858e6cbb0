import type { Db } from '../postgres/pool.js';
import { auditParams, INSERT_AUDIT } from './audit.js';

export interface Note {
  id: number;
  itemId: string;
  author: string;
  body: string;
  at: number;
  mentions: string[];
}

interface NoteRow {
  id: string;
  item_id: string;
  author: string;
  body: string;
  at: string;
  mentions: string[] | null;
}

const fromRow = (r: NoteRow): Note => ({
  id: Number(r.id),
  itemId: r.item_id,
  author: r.author,
  body: r.body,
  at: Number(r.at),
  mentions: r.mentions ?? [],
});

/** The note, its mentions and its audit entry in one transaction. */
export async function addNote(db: Db, itemId: string, author: string, body: string, mentions: string[]): Promise<Note> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const at = Date.now();
    const { rows } = await client.query<{ id: string }>(
      'INSERT INTO item_notes (item_id, author, body, at) VALUES ($1, $2, $3, $4) RETURNING id',
      [itemId, author, body, at],
    );
    const [row] = rows;
    if (!row) throw new Error('INSERT INTO item_notes ... RETURNING id answered no row');
    const id = Number(row.id);
    // The writer has seen their own note.
    if (mentions.length) {
      await client.query(
        'INSERT INTO note_mentions (note_id, user_name, item_id, seen_at) SELECT $1, u, $2, CASE WHEN u = $4 THEN $5::bigint END FROM unnest($3::text[]) u ON CONFLICT DO NOTHING',
        [id, itemId, mentions, author, at],
      );
    }
    await client.query(INSERT_AUDIT, auditParams(author, 'note.added', itemId, { note: id, mentions }));
    await client.query('COMMIT');
    return { id, itemId, author, body, at, mentions };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function notesOf(db: Db, itemId: string): Promise<Note[]> {
  const { rows } = await db.query<NoteRow>(
    `SELECT n.id, n.item_id, n.author, n.body, n.at, array_remove(array_agg(m.user_name ORDER BY m.user_name), NULL) AS mentions
     FROM item_notes n LEFT JOIN note_mentions m ON m.note_id = n.id WHERE n.item_id = $1 GROUP BY n.id ORDER BY n.id LIMIT 500`,
    [itemId],
  );
  return rows.map(fromRow);
}

/** Opening the item counts as reading the mentions of this user there. */
export async function markMentionsSeen(db: Db, itemId: string, user: string): Promise<void> {
  await db.query('UPDATE note_mentions SET seen_at = $3 WHERE item_id = $1 AND user_name = $2 AND seen_at IS NULL', [
    itemId,
    user,
    Date.now(),
  ]);
}

export interface MentionOfMe {
  itemId: string;
  noteId: number;
  author: string;
  body: string;
  at: number;
  seen: boolean;
}

/** The newest notes that mention `user`, and how many are unread. */
export async function mentionsOf(db: Db, user: string, limit = 30): Promise<{ unseen: number; recent: MentionOfMe[] }> {
  const [count, recent] = await Promise.all([
    db.query<{ n: string }>('SELECT count(*) AS n FROM note_mentions WHERE user_name = $1 AND seen_at IS NULL', [user]),
    db.query<{ item_id: string; id: string; author: string; body: string; at: string; seen_at: string | null }>(
      `SELECT m.item_id, n.id, n.author, left(n.body, 300) AS body, n.at, m.seen_at FROM note_mentions m JOIN item_notes n ON n.id = m.note_id
       WHERE m.user_name = $1 ORDER BY m.note_id DESC LIMIT $2`,
      [user, limit],
    ),
  ]);
  return {
    unseen: Number(count.rows[0]?.n ?? 0),
    recent: recent.rows.map((r) => ({
      itemId: r.item_id,
      noteId: Number(r.id),
      author: r.author,
      body: r.body,
      at: Number(r.at),
      seen: r.seen_at !== null,
    })),
  };
}
