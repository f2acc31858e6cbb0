import { DRAFTS } from './schema-drafts.js';
import { INBOX_TOGETHER } from './migration-006-inbox-together.js';
import { NARROWER } from './schema-narrow.js';
import { NO_JIT } from './schema-no-jit.js';
import { QUEUE_VIEWS } from './schema-queue.js';
import { QUEUE_COUNTS } from './schema-queue-counts.js';
import { QUEUE_COVER } from './schema-queue-cover.js';
import { DIRECTORY } from './schema-directory.js';
import { RECORDS } from './schema-records.js';
import { SPIKES } from './schema-spikes.js';
import { GIN_PENDING } from './schema-gin-pending.js';
import { SLA_REMINDERS } from './schema-sla-reminders.js';
import { EDITED_DRAFTS } from './schema-edited-drafts.js';
import { ITEM_INDEXES } from './schema-item-indexes.js';
import { WORD_BITS } from './schema-word-bits.js';
import { FILTER_INDEXES } from './schema-filter-indexes.js';
import { VOCABULARY } from './schema-vocabulary.js';
import { WORD_BITS_WIDE } from './schema-word-bits-wide.js';
import { WORD_BITS_INLINE } from './schema-word-bits-inline.js';
import { DUP_KEY_BYTES } from './schema-dup-key-bytes.js';
import { CODED_COLUMNS } from './schema-coded-columns.js';
import { INDEX_DIET } from './schema-index-diet.js';
import { TRIAGE_FOLD } from './schema-triage-fold.js';
import { ITEM_DEFAULTS } from './schema-item-defaults.js';

/**
 * The database schema as numbered steps. A step, once merged, is never edited: changes go in a
 * new step, so every installation reaches the same schema whatever version it started from.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'extensions',
    // Trigram indexes make substring search ("lawyer" inside "lawyers") use an index.
    sql: `CREATE EXTENSION IF NOT EXISTS pg_trgm;`,
  },
  { version: 2, name: 'records', sql: RECORDS },
  {
    version: 3,
    name: 'source stop kind',
    // Why a source stopped decides what the health page asks for: new credentials, or something else.
    // Every stop before this version was a rejected credential.
    sql: `ALTER TABLE sources ADD COLUMN stopped_kind text NOT NULL DEFAULT '';
          UPDATE sources SET stopped_kind = 'credentials' WHERE NOT healthy;`,
  },
  {
    version: 4,
    name: 'SLA from post time',
    // Due times used to count from when Earshot first saw a post; they now count from the post
    // itself. Moving each open or answered item's due time back by that gap is exact without
    // business hours and close with them; it keeps old items comparable in the analytics.
    sql: `UPDATE inbox_items SET sla_due_at = sla_due_at - (routed_at - created_at) WHERE routed_at > created_at;`,
  },
  { version: 5, name: 'draft-alternatives', sql: DRAFTS },
  { version: 6, name: 'inbox undo, notes, tags, conversations', sql: INBOX_TOGETHER },
  { version: 7, name: 'spikes', sql: SPIKES },
  { version: 8, name: 'queue counts', sql: QUEUE_COUNTS },
  { version: 9, name: 'narrower mentions', sql: NARROWER },
  { version: 10, name: 'users and brands', sql: DIRECTORY },
  { version: 11, name: 'queue-groups-and-views', sql: QUEUE_VIEWS },
  { version: 12, name: 'small GIN pending lists', sql: GIN_PENDING },
  { version: 13, name: 'SLA reminders on items', sql: SLA_REMINDERS },
  { version: 14, name: 'queue order index with its filter columns', sql: QUEUE_COVER },
  { version: 15, name: 'no JIT', sql: NO_JIT },
  { version: 16, name: 'edited drafts in the draft trigram index', sql: EDITED_DRAFTS },
  { version: 17, name: 'one queue order index, hashed near-duplicate keys', sql: ITEM_INDEXES },
  { version: 18, name: "post words' bits in the queue order index", sql: WORD_BITS },
  { version: 19, name: 'no brand or language index on items', sql: FILTER_INDEXES },
  { version: 20, name: 'substrings through the vocabulary of words', sql: VOCABULARY },
  { version: 21, name: "a second summary of the post's words", sql: WORD_BITS_WIDE },
  { version: 22, name: 'word bits set by the item insert', sql: WORD_BITS_INLINE },
  { version: 23, name: 'near-duplicate keys as bytes', sql: DUP_KEY_BYTES },
  { version: 24, name: 'few-valued columns as enums, no item priority beside its rank', sql: CODED_COLUMNS },
  { version: 25, name: 'index diet: BRIN item time, hashed near-duplicate key, one author trigram index', sql: INDEX_DIET },
  { version: 26, name: 'triage in the mention row, routing pending in mention_pending', sql: TRIAGE_FOLD },
  { version: 27, name: 'no default draft template or empty draft warnings stored on items', sql: ITEM_DEFAULTS },
];
