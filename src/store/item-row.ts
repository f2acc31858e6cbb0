import { dupKeyBytes, dupKeyText } from './dup-key.js';
import type { InboxItem } from './item-types.js';

type Kind = 'text' | 'ntext' | 'int' | 'nint' | 'bool' | 'json' | 'dupkey' | 'priority';

/**
 * An item's priority is its rank, the queue's first order key (migration 24): 0 urgent, 1 normal,
 * as the rank was computed from the priority before.
 */
export const RANK_OF = (priority: string) => `(CASE WHEN ${priority} = 'urgent' THEN 0 ELSE 1 END)`;
export const PRIORITY_OF = (rank: string) => `(CASE WHEN ${rank} = 0 THEN 'urgent' ELSE 'normal' END)`;

/** Item field → column, and how a value given as text/number (the transition API) is stored. */
const FIELDS: Record<string, [column: string, kind: Kind]> = {
  brandId: ['brand_id', 'text'],
  sourceId: ['source_id', 'text'],
  platform: ['platform', 'text'],
  priority: ['priority', 'priority'],
  status: ['status', 'text'],
  urgency: ['urgency', 'int'],
  category: ['category', 'text'],
  sentiment: ['sentiment', 'text'],
  language: ['language', 'ntext'],
  createdAt: ['created_at', 'int'],
  routedAt: ['routed_at', 'int'],
  updatedAt: ['updated_at', 'int'],
  slaDueAt: ['sla_due_at', 'int'],
  draft: ['draft', 'text'],
  draftTemplate: ['draft_template', 'text'],
  draftWarnings: ['draft_warnings', 'json'],
  draftVersion: ['draft_version', 'int'],
  draftEdited: ['draft_edited', 'bool'],
  approvals: ['approvals', 'int'],
  assignee: ['assignee', 'ntext'],
  approvedBy: ['approved_by', 'ntext'],
  approvedAt: ['approved_at', 'nint'],
  replyId: ['reply_id', 'ntext'],
  replyUrl: ['reply_url', 'ntext'],
  postedAt: ['posted_at', 'nint'],
  lastError: ['last_error', 'ntext'],
  rejectReason: ['reject_reason', 'ntext'],
  snoozedUntil: ['snoozed_until', 'nint'],
  firstApprovedBy: ['first_approved_by', 'ntext'],
  firstApprovedVersion: ['first_approved_version', 'nint'],
  dupKey: ['dup_key', 'dupkey'],
  dupOf: ['dup_of', 'ntext'],
  sendAt: ['send_at', 'nint'],
  undoStatus: ['undo_status', 'ntext'],
};

/**
 * Nearly every item has the composer's default template and no draft warnings, so the item
 * insert stores NULL for those (migration 27; 13 B of a row) and every read gives the values back.
 * Rows written before, and updates, may hold them as they are.
 */
export const DEFAULT_TEMPLATE = 'default';
export const DRAFT_TEMPLATE = (i: string) => `coalesce(${i}.draft_template, '${DEFAULT_TEMPLATE}')`;
export const DRAFT_WARNINGS = (i: string) => `coalesce(${i}.draft_warnings, '[]'::jsonb)`;

function readColumn(column: string, kind: Kind): string {
  if (kind === 'priority') return `${PRIORITY_OF('i.rank')} AS ${column}`;
  if (column === 'draft_template') return `${DRAFT_TEMPLATE('i')} AS ${column}`;
  if (column === 'draft_warnings') return `${DRAFT_WARNINGS('i')} AS ${column}`;
  return `i.${column}`;
}

export const ITEM_COLUMNS = ['i.id', ...Object.values(FIELDS).map(([c, kind]) => readColumn(c, kind))].join(', ');

export type ItemRow = Record<string, unknown> & { id: string };

export function itemFromRow(r: ItemRow): InboxItem {
  const out: Record<string, unknown> = { id: r.id };
  for (const [field, [column, kind]] of Object.entries(FIELDS)) {
    const v = r[column];
    if (kind === 'dupkey') out[field] = dupKeyText(v);
    else out[field] = kind === 'int' || (kind === 'nint' && v !== null) ? Number(v) : (v ?? null);
  }
  return out as unknown as InboxItem;
}

/** `col = $n, …` for an update; '' clears a nullable field (the convention of the old store). */
export function setClause(set: Record<string, string | number>, firstParam: number): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [field, value] of Object.entries(set)) {
    const spec = FIELDS[field];
    if (!spec) throw new Error(`unknown inbox item field "${field}"`);
    const [column, kind] = spec;
    let v: unknown = value;
    if ((kind === 'ntext' || kind === 'nint' || kind === 'dupkey') && value === '') v = null;
    else if (kind === 'dupkey') v = dupKeyBytes(String(value));
    else if (kind === 'int' || kind === 'nint') v = Number(value);
    else if (kind === 'bool') v = value === 1 || value === '1' || value === 'true';
    else if (kind === 'json') v = typeof value === 'string' ? value : JSON.stringify(value);
    else v = String(value);
    params.push(v);
    const param = `$${firstParam + params.length - 1}`;
    parts.push(kind === 'priority' ? `rank = ${RANK_OF(`${param}::text`)}` : `${column} = ${param}${kind === 'json' ? '::jsonb' : ''}`);
  }
  return { sql: parts.join(', '), params };
}
