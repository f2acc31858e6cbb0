import type { Db } from '../../src/postgres/pool.js';
import { dupKeyBytes } from '../../src/store/dup-key.js';

/** One inbox item with its mention and triage rows, written straight into the tables. */
export interface ItemSeed {
  id: string;
  priority?: 'urgent' | 'normal';
  urgency?: number;
  slaDueAt?: number;
  createdAt?: number;
  text?: string;
  status?: string;
  category?: string;
  sourceId?: string;
  platform?: string;
  author?: string;
  dupKey?: string | null;
  dupOf?: string | null;
}

const REST = (author: string) => JSON.stringify([null, [author, `${author} name`, 100, null], null, [0, 0, 0], null, {}]);

/**
 * Items in three statements whatever their number (a 5,000-item queue seeds in well under a
 * second), for tests about the queue rather than the pipeline.
 */
export async function seedItems(db: Db, seeds: ItemSeed[]): Promise<void> {
  const now = Date.now();
  const v = <T>(f: (s: ItemSeed) => T) => seeds.map(f);
  const ids = v((s) => s.id);
  await db.query(
    `INSERT INTO mentions (id, platform, native_id, source_id, brand_id, author_id, created_at, stored_at, lang, text, rest)
     SELECT id, platform, id, source_id, 'acme', author, created_at, $7::bigint, 'en', text, rest
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $8::text[]) AS t(id, platform, source_id, author, created_at, text, rest)`,
    [
      ids,
      v((s) => s.platform ?? 'mastodon'),
      v((s) => s.sourceId ?? 'seed'),
      v((s) => s.author ?? `a-${s.id}`),
      v((s) => s.createdAt ?? now - 3_600_000),
      v((s) => s.text ?? `post ${s.id}`),
      now,
      v((s) => REST(s.author ?? `a-${s.id}`)),
    ],
  );
  // Before migration 26 the triage had its own table; from it on it is in the mention row (routed: not pending).
  const separate = (await db.query<{ t: string | null }>(`SELECT to_regclass('mention_triage') AS t`)).rows[0]?.t !== null;
  await db.query(
    separate
      ? `INSERT INTO mention_triage (id, stage, sentiment, score, category, urgency, complaint)
         SELECT id, 'routed', 'negative', -0.5, category, urgency, true FROM unnest($1::text[], $2::text[], $3::int[]) AS t(id, category, urgency)`
      : `UPDATE mentions m SET sentiment = 'negative', score = -0.5, category = t.category, urgency = t.urgency, complaint = true
         FROM unnest($1::text[], $2::text[], $3::int[]) AS t(id, category, urgency) WHERE m.id = t.id`,
    [ids, v((s) => s.category ?? 'other'), v((s) => s.urgency ?? 40)],
  );
  // Near-duplicate keys are bytes from migration 23 on (store/dup-key.ts); tests that seed an older schema pass text.
  // From migration 24 on the rank is the stored column and there is no priority (store/item-row.ts).
  const cols = await db.query<{ c: string; t: string }>(
    `SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'inbox_items'`,
  );
  const keysAsBytes = cols.rows.some((r) => r.c === 'dup_key' && r.t === 'bytea');
  const [tierColumn, tier] = cols.rows.some((r) => r.c === 'priority')
    ? ['priority', 'priority']
    : ['rank', "CASE WHEN priority = 'urgent' THEN 0 ELSE 1 END"];
  await db.query(
    `INSERT INTO inbox_items (id, brand_id, source_id, platform, ${tierColumn}, status, urgency, category, sentiment, language, created_at, routed_at, updated_at, sla_due_at, draft, draft_template, dup_key, dup_of)
     SELECT id, 'acme', source_id, platform, ${tier}, status, urgency, category, 'negative', 'en', created_at, $11::bigint, $11::bigint, sla_due_at, 'Hi, sorry about that.', 'default', dup_key, dup_of
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::bigint[], $9::bigint[], $10::${keysAsBytes ? 'bytea' : 'text'}[], $12::text[])
       AS t(id, source_id, platform, priority, status, urgency, category, created_at, sla_due_at, dup_key, dup_of)`,
    [
      ids,
      v((s) => s.sourceId ?? 'seed'),
      v((s) => s.platform ?? 'mastodon'),
      v((s) => s.priority ?? 'normal'),
      v((s) => s.status ?? 'new'),
      v((s) => s.urgency ?? 40),
      v((s) => s.category ?? 'other'),
      v((s) => s.createdAt ?? now - 3_600_000),
      v((s) => s.slaDueAt ?? now + 86_400_000),
      v((s) => (keysAsBytes ? dupKeyBytes(s.dupKey) : (s.dupKey ?? null))),
      now,
      v((s) => s.dupOf ?? null),
    ],
  );
}
