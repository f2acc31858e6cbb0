import { countsApply, countsFill } from './schema-queue-counts.js';

/**
 * Migration 24: the few-valued text columns of mention_triage and inbox_items as enum types, and
 * no item priority beside its rank.
 *
 * Per row the bench replay held category 13–16 B, sentiment 9, stage 7, status 4 and priority 7 as
 * text; an enum value is 4 bytes, and inbox_queue_cover carries status and category on every item
 * (BENCHMARKS.md, pg-codes). Enums were chosen over "char" or smallint codes mapped in the store
 * because every reader keeps comparing with names: a literal or an untyped parameter is read as
 * the enum, a name the type lacks is an error rather than a silent miss, and the rows read back
 * as names. The text → enum casts below are assignment casts, so writers that send names as text
 * (unnest of text arrays) store them unchanged. Comparing with a text expression still needs a
 * cast (`= ANY($1::earshot_status[])`).
 *
 * A value the type does not know yet (a new category in code, a stage, a status) is added by the
 * store with ALTER TYPE … ADD VALUE before it is written (store/enum-labels.ts); the labels here
 * are only the first ones, and every value already stored is a label too, so an installation with
 * values this list lacks upgrades as it is.
 * The lists are written out rather than imported from the code (Categories in triage-types.ts):
 * a merged migration's text must not change when the code's list does.
 *
 * The priority of an item is its rank (0 urgent, 1 normal): the rank was computed from it, and
 * nothing else has it. The rank becomes the stored column; readers name the priority from it.
 */
const LABELS: Record<string, { labels: readonly string[]; columns: Array<[table: string, column: string]> }> = {
  earshot_stage: { labels: ['new', 'triaged', 'routed'], columns: [['mention_triage', 'stage']] },
  earshot_sentiment: {
    labels: ['negative', 'neutral', 'positive'],
    columns: [
      ['mention_triage', 'sentiment'],
      ['inbox_items', 'sentiment'],
    ],
  },
  earshot_category: {
    labels: [
      'delay_cancellation',
      'lost_damaged_item',
      'billing_refund',
      'staff_service',
      'product_defect_outage',
      'account_login',
      'safety_legal_press',
      'praise',
      'question',
      'other',
    ],
    columns: [
      ['mention_triage', 'category'],
      ['inbox_items', 'category'],
    ],
  },
  earshot_status: {
    labels: ['new', 'assigned', 'awaiting_second', 'approved', 'publishing', 'posted', 'rejected', 'needs_check', 'failed', 'spam'],
    columns: [['inbox_items', 'status']],
  },
};

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The type is created with every label at once, the stored values this list lacks after it: a
 * value added by ALTER TYPE could not be used in this transaction ("unsafe use of new value").
 */
function typeSql(type: string, labels: readonly string[], columns: Array<[string, string]>): string {
  const stored = columns.map(([t, c]) => `SELECT ${c}::text FROM ${t}`).join(' UNION ');
  return `DO $$
DECLARE labels text;
BEGIN
  SELECT string_agg(quote_literal(l.v), ', ' ORDER BY l.o, l.v) INTO labels FROM (
    SELECT v, min(o) AS o FROM (SELECT v, o FROM unnest(ARRAY[${labels.map(quote).join(', ')}]) WITH ORDINALITY AS k(v, o)
      UNION ALL SELECT s.v, 1000 FROM (${stored}) AS s(v) WHERE s.v IS NOT NULL) a GROUP BY v) l;
  EXECUTE 'CREATE TYPE ${type} AS ENUM (' || labels || ')';
END $$;
CREATE CAST (text AS ${type}) WITH INOUT AS ASSIGNMENT;`;
}

const TYPE = (column: string, type: string) => `ALTER COLUMN ${column} TYPE ${type} USING ${column}::${type}`;

/** The queue counts' key, priority replaced by the rank. */
const COUNTS_KEY = 'status, rank, brand_id, source_id, category, language, assignee';

export const CODED_COLUMNS = `
${Object.entries(LABELS)
  .map(([type, { labels, columns }]) => typeSql(type, labels, columns))
  .join('\n')}

ALTER TABLE mention_triage ${TYPE('stage', 'earshot_stage')}, ${TYPE('sentiment', 'earshot_sentiment')}, ${TYPE('category', 'earshot_category')};

-- The order index is built again without the priority, after the rewrite.
DROP INDEX IF EXISTS inbox_queue_cover;
ALTER TABLE inbox_items ALTER COLUMN rank DROP EXPRESSION;
ALTER TABLE inbox_items DROP COLUMN priority, ${TYPE('status', 'earshot_status')}, ${TYPE('sentiment', 'earshot_sentiment')}, ${TYPE('category', 'earshot_category')};
CREATE INDEX inbox_queue_cover ON inbox_items (rank, urgency DESC, sla_due_at, created_at DESC, id)
  INCLUDE (status, snoozed_until, brand_id, source_id, category, language, assignee, dup_of, word_bits, word_bits2);

DROP TABLE inbox_counts;
CREATE TABLE inbox_counts (
  status    earshot_status   NOT NULL,
  rank      smallint         NOT NULL,
  brand_id  text             NOT NULL,
  source_id text             NOT NULL,
  category  earshot_category NOT NULL,
  language  text             NOT NULL,
  assignee  text             NOT NULL,
  n         bigint           NOT NULL,
  PRIMARY KEY (${COUNTS_KEY})
) WITH (fillfactor = 50);
${countsApply(COUNTS_KEY).replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION')};
${countsFill(COUNTS_KEY)};
`;
