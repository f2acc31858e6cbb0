import type { Db } from '../src/postgres/pool.js';

/**
 * Fills the store's own tables (the schema the migrations made, nothing of our own) with a large,
 * plausible history straight in SQL: generate_series in the server, seconds per million rows,
 * where going through the pipeline would take hours. The texts are real airline posts, so word
 * frequencies (what full-text and trigram search cost) are realistic.
 */
export interface SeedSize {
  mentions: number;
  openItems: number;
  /** Closed (posted) items on top of the open ones: a queue is mostly history. */
  closedItems: number;
  authors: number;
}

/** Thirty days of posts, oldest first: ~2.6 s apart at a million. */
export const SPAN_MS = 30 * 86_400_000;
export const T0 = Date.UTC(2026, 9, 1);

const TABLES = ['mentions', 'mention_pending', 'authors', 'inbox_items'];

/**
 * Secondary indexes are dropped for the load and built again from their own definitions
 * afterwards (one sort per index instead of a million inserts into each), so whatever indexes the
 * migrations define are the ones measured.
 */
async function withoutIndexes(db: Db, load: () => Promise<void>): Promise<void> {
  const { rows } = await db.query<{ indexname: string; indexdef: string }>(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [TABLES],
  );
  for (const r of rows) await db.query(`DROP INDEX ${r.indexname}`);
  await load();
  const client = await db.connect();
  try {
    await client.query(`SET maintenance_work_mem = '256MB'`);
    for (const r of rows) await client.query(r.indexdef);
  } finally {
    client.release();
  }
}

export async function seedQueryData(db: Db, size: SeedSize, texts: string[]): Promise<void> {
  await db.query('TRUNCATE mentions, mention_pending, authors, inbox_items CASCADE');
  const step = Math.max(1, Math.floor(SPAN_MS / size.mentions));
  await withoutIndexes(db, async () => {
    await db.query(
      `INSERT INTO authors (platform, native_id, handle, name, url, followers)
       SELECT 'mastodon', 'a' || g, 'user' || g || '@social.example', 'User ' || g, 'https://social.example/@user' || g, (g * 37) % 20000
       FROM generate_series(0, $1 - 1) g`,
      [size.authors],
    );
    // Ids are 24 characters like mentionId()'s; one in ten posts is German, one in four for the second brand.
    // The triage is in the mention row (migration 26); every seeded post is routed, so none is pending.
    await db.query(
      `INSERT INTO mentions (id, platform, native_id, source_id, brand_id, author_id, created_at, stored_at, lang, text, rest,
         score, sentiment, category, urgency, complaint, triage)
       SELECT 'm_' || lpad(to_hex(g), 22, '0'), 'mastodon', (1000000000 + g)::text, CASE WHEN g % 5 = 0 THEN 'live' ELSE 'masto' END,
         CASE WHEN g % 4 = 0 THEN 'beta' ELSE 'acme' END, 'a' || (g * 7919 % $2), $3::bigint + g * $4, $3::bigint + g * $4, CASE WHEN g % 10 = 0 THEN 'de' ELSE 'en' END,
         ($5::text[])[1 + (g % cardinality($5::text[]))::int],
         json_build_array('https://social.example/@user' || (g * 7919 % $2) || '/' || g, json_build_array('user' || (g * 7919 % $2) || '@social.example', 'User ' || (g * 7919 % $2), 100, NULL),
           NULL, json_build_array(0, 0, 0), NULL, json_build_object('statusId', (1000000000 + g)::text))::text,
         s.score, s.sentiment, s.category, g % 100, s.complaint = 1,
         json_build_array(s.sentiment, s.score, 0.8, 1, s.complaint, 0.7, s.category, 0, 'en', g % 100, json_build_array('seeded'))::text
       FROM generate_series(0::bigint, $1::bigint - 1) g,
       LATERAL (SELECT (ARRAY['negative', 'negative', 'neutral', 'positive'])[1 + (g % 4)::int] AS sentiment, (ARRAY[-0.6, -0.4, 0, 0.6])[1 + (g % 4)::int] AS score,
                       CASE WHEN g % 4 < 2 THEN 1 ELSE 0 END AS complaint,
                       (ARRAY['lost_damaged_item', 'question', 'praise', 'other', 'staff_service', 'billing_refund', 'delay_cancellation'])[1 + (g % 7)::int] AS category) s`,
      [size.mentions, size.authors, T0, step, texts],
    );
    // Items on every k-th post over the whole span; closed (posted) ones spread evenly among the open ones.
    const every = Math.max(1, Math.floor(size.mentions / (size.openItems + size.closedItems)));
    await db.query(
      `INSERT INTO inbox_items (id, brand_id, source_id, platform, rank, status, urgency, category, sentiment, language, created_at, routed_at, updated_at,
         sla_due_at, draft, draft_template, assignee, snoozed_until, posted_at)
       SELECT m.id, m.brand_id, m.source_id, m.platform, CASE WHEN m.urgency >= 70 THEN 0 ELSE 1 END,
         CASE WHEN n * $3 % ($2 + $3) < $3 THEN 'posted' WHEN n % 20 = 0 THEN 'needs_check' WHEN n % 7 = 0 THEN 'assigned' ELSE 'new' END,
         m.urgency, m.category, m.sentiment, m.lang, m.created_at, m.created_at + 500, m.created_at + 500,
         m.created_at + CASE WHEN m.urgency >= 70 THEN 3600000 ELSE 86400000 END,
         'Hi ' || split_part(m.rest::json->1->>0, '@', 1) || ', thanks for telling Acme Air. We are looking into it. — Acme Air care', 'default',
         CASE WHEN n * $3 % ($2 + $3) >= $3 AND n % 7 = 0 THEN (ARRAY['ann', 'bob', 'cy'])[1 + (n % 3)::int] END,
         CASE WHEN n * $3 % ($2 + $3) >= $3 AND n % 50 = 1 THEN m.created_at + 40 * 86400000::bigint END,
         CASE WHEN n * $3 % ($2 + $3) < $3 THEN m.created_at + 600000 END
       FROM (SELECT id, row_number() OVER (ORDER BY created_at) - 1 AS n FROM mentions WHERE (created_at - $4::bigint) / $5::bigint % $1::bigint = 0) pick
       JOIN mentions m ON m.id = pick.id
       WHERE pick.n < $2::bigint + $3::bigint`,
      [every, size.openItems, size.closedItems, T0, step],
    );
  });
  await db.query('VACUUM ANALYZE mentions');
  await db.query('VACUUM ANALYZE authors');
  await db.query('VACUUM ANALYZE inbox_items');
}
