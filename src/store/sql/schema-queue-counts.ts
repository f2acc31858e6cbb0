/**
 * Exact queue totals without counting the queue. Counting 300,000 open items per request took
 * 80 to 330 ms (every open item's index entry or row visited); the queue's filters are a handful
 * of low-cardinality columns, so the number of items per combination of them is kept in a small
 * table, changed by statement triggers in the same transaction as the items. A total is then a
 * sum over at most a few thousand rows, whatever the size of the queue.
 *
 * Nulls (no language, nobody assigned) are kept as '' so the combination can be a primary key.
 * Rows are upserted in key order so two transactions touching the same combinations lock them
 * in the same order (no deadlock). Snoozing is time-dependent and stays out of the counts: the
 * reader subtracts the items snoozed right now through inbox_snoozed.
 */
const KEY = 'status, priority, brand_id, source_id, category, language, assignee';
const KEY_OF = (key: string, rows: string) =>
  `${key.replace('language, assignee', "coalesce(language, '') AS language, coalesce(assignee, '') AS assignee")} FROM ${rows}`;
const UPSERT = (key: string) => `INSERT INTO inbox_counts AS c (${key}, n)`;
const ADD = (key: string) => `ON CONFLICT (${key}) DO UPDATE SET n = c.n + excluded.n`;

/**
 * The counts' trigger function for a key (its columns in key order, language and assignee last);
 * migration 24 builds it again for the key with coded columns.
 */
export const countsApply = (key: string) => `CREATE FUNCTION inbox_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${UPSERT(key)} SELECT ${key}, count(*) FROM (SELECT ${KEY_OF(key, 'new_rows')}) r GROUP BY ${key} ORDER BY ${key} ${ADD(key)};
  ELSIF TG_OP = 'DELETE' THEN
    ${UPSERT(key)} SELECT ${key}, -count(*) FROM (SELECT ${KEY_OF(key, 'old_rows')}) r GROUP BY ${key} ORDER BY ${key} ${ADD(key)};
  ELSIF TG_OP = 'UPDATE' THEN
    -- Most updates (a draft edit, a note) change no counted column: the sums cancel, nothing is written.
    ${UPSERT(key)} SELECT ${key}, sum(d) FROM (SELECT 1 AS d, ${KEY_OF(key, 'new_rows')} UNION ALL SELECT -1, ${KEY_OF(key, 'old_rows')}) r
      GROUP BY ${key} HAVING sum(d) <> 0 ORDER BY ${key} ${ADD(key)};
  ELSE
    DELETE FROM inbox_counts;
  END IF;
  RETURN NULL;
END $$`;

/** Counts the items already there (an installation upgrading). */
export const countsFill = (key: string) =>
  `${UPSERT(key)} SELECT ${key}, count(*) FROM (SELECT ${KEY_OF(key, 'inbox_items')}) r GROUP BY ${key} ORDER BY ${key} ${ADD(key)}`;

export const QUEUE_COUNTS = `
CREATE TABLE inbox_counts (
  status    text   NOT NULL,
  priority  text   NOT NULL,
  brand_id  text   NOT NULL,
  source_id text   NOT NULL,
  category  text   NOT NULL,
  language  text   NOT NULL,
  assignee  text   NOT NULL,
  n         bigint NOT NULL,
  PRIMARY KEY (${KEY})
) WITH (fillfactor = 50);

${countsApply(KEY)};

CREATE TRIGGER inbox_counts_insert AFTER INSERT ON inbox_items REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION inbox_counts_apply();
CREATE TRIGGER inbox_counts_update AFTER UPDATE ON inbox_items REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION inbox_counts_apply();
CREATE TRIGGER inbox_counts_delete AFTER DELETE ON inbox_items REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION inbox_counts_apply();
CREATE TRIGGER inbox_counts_truncate AFTER TRUNCATE ON inbox_items FOR EACH STATEMENT EXECUTE FUNCTION inbox_counts_apply();

-- The items already there (an installation upgrading to this version).
${countsFill(KEY)};

-- Items snoozed right now, to take out of a total; a snooze that has passed leaves the range.
CREATE INDEX inbox_snoozed ON inbox_items (snoozed_until) WHERE snoozed_until IS NOT NULL;
`;
