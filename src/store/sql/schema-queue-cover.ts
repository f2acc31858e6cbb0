/**
 * Migration 14: the queue's order index carries the filter columns. A filtered page reads that
 * index in urgency order and skips items of other brands, sources, categories…; with the
 * columns in the index those checks are made on the index entry (an index-only scan) instead of
 * fetching each item's row: a source + category filter over 300,000 open items went from 95 ms
 * to 13 ms. Plain columns in descending order replace the negated expressions, which PostgreSQL
 * cannot return from an index-only scan. About 16 B more per stored mention than the index it
 * replaces, at 40 items per 100 mentions (BENCHMARKS.md).
 */
export const QUEUE_COVER = `
DROP INDEX IF EXISTS inbox_queue_urgency;
CREATE INDEX inbox_queue_cover ON inbox_items (rank, urgency DESC, sla_due_at, created_at DESC, id)
  INCLUDE (status, priority, snoozed_until, brand_id, source_id, category, language, assignee, dup_of);
`;
