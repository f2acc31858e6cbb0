import type { ItemRow } from './item-row.js';

/**
 * The queue's order, as SQL: urgent tier first; within a tier, items whose SLA has run out or
 * runs out before the cut (now + AT_RISK_MS, see inbox-queue.ts); then higher urgency; then the
 * SLA that runs out sooner; then the newest post. The cut is fixed on the first page and carried
 * in the cursor, so the pages of one walk agree on which items were at risk.
 *
 * The cut moves with the clock, so no index holds this order. A page is read as four segments
 * (tier × at risk or not) in order, each an index range scan in urgency order
 * (inbox_queue_cover, whose entries carry the filter columns), each stopped at the page size;
 * or, when the matching items are few, they are all sorted by the same keys (`inOrder`).
 */
export type Param = (value: unknown) => string;

export type Key = [cut: number, rank: number, safe: number, urgency: number, sla: number, created: number, id: string];
export type Segment = readonly [rank: number, safe: number];

export const SEGMENTS: readonly Segment[] = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
/** The order within a segment, as inbox_queue_cover holds it. */
const WITHIN = 'i.urgency DESC, i.sla_due_at, i.created_at DESC, i.id';

/**
 * Items after the cursor's (−urgency, SLA, −created, id) in WITHIN's order. The directions are
 * mixed, so no row comparison says it; the leading bound on urgency is what the index uses.
 */
function after(key: Key, p: Param): string {
  const [u, sla, c, id] = [p(-key[3]), p(key[4]), p(-key[5]), p(key[6])];
  return ` AND i.urgency <= ${u} AND (i.urgency < ${u} OR (i.urgency = ${u} AND (i.sla_due_at > ${sla} OR (i.sla_due_at = ${sla} AND (i.created_at < ${c} OR (i.created_at = ${c} AND i.id > ${id}))))))`;
}

/**
 * The tier a priority filter keeps (rank is 0 for urgent): scanning the other tier's index range
 * would read every item of it only to find none (1.5 s for "urgent" over 300,000 open items).
 */
export const tierOf = (priority: string | undefined): number | null => (priority === undefined ? null : priority === 'urgent' ? 0 : 1);

/** The segments a page reads, in order, from the cursor's on. */
export function segmentsFrom(key: Key | null, tier: number | null): Segment[] {
  const from = key ? SEGMENTS.findIndex(([r, safe]) => r === key[1] && safe === key[2]) : 0;
  return SEGMENTS.slice(Math.max(0, from)).filter(([rank]) => tier === null || rank === tier);
}

/** The sort keys both forms give each id, for the page's ORDER BY (BY_KEYS). */
const keys = (rank: string, safe: string) =>
  `i.id, ${rank} AS seg_rank, ${safe} AS seg_safe, -i.urgency AS o_urgency, i.sla_due_at AS o_sla, -i.created_at AS o_created`;
export const BY_KEYS = 'p.seg_rank, p.seg_safe, p.o_urgency, p.o_sla, p.o_created, p.id';

/** One segment's ids in order; `first` is the cursor's own segment, read from just after it. */
export function segment(
  baseSql: string,
  cut: string,
  limit: string,
  key: Key | null,
  p: Param,
  [rank, safe]: Segment,
  first: boolean,
): string {
  const rest = key && first ? after(key, p) : '';
  return `SELECT ${keys(String(rank), String(safe))} FROM inbox_items i
    WHERE ${baseSql} AND i.rank = ${rank} AND i.sla_due_at ${safe ? '>' : '<='} ${cut}${rest} ORDER BY ${WITHIN} LIMIT ${limit}`;
}

/**
 * Every item of `from` that matches, sorted by the segments' own keys, so a cursor from either
 * form reads the same: for matches too few to be worth a walk (a listed text, a group, a
 * filter that counts few items).
 */
export function inOrder(from: string, baseSql: string, cut: string, limit: string, key: Key | null, p: Param): string {
  const safe = `(i.sla_due_at > ${cut})::int`;
  const rest = key ? ` AND (i.rank, ${safe}, -i.urgency, i.sla_due_at, -i.created_at, i.id) > (${key.slice(1).map(p).join(', ')})` : '';
  return `SELECT ${keys('i.rank', safe)} FROM ${from} WHERE ${baseSql}${rest} ORDER BY 2, 3, 4, 5, 6, 1 LIMIT ${limit}`;
}

export function encodeCursor(cut: number, row: ItemRow): string {
  const sla = Number(row['sla_due_at']);
  const key: Key = [cut, Number(row['rank']), sla > cut ? 1 : 0, -Number(row['urgency']), sla, -Number(row['created_at']), row.id];
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The cursor's key, or null when it is not one this inbox gave out. */
export function decodeCursor(cursor: string, tier: number | null): Key | null {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === 7 && key.slice(0, 6).every((v) => Number.isSafeInteger(v)) && typeof key[6] === 'string') {
      const k = key as Key;
      if (SEGMENTS.some(([r, safe]) => r === k[1] && safe === k[2]) && (tier === null || k[1] === tier)) return k;
    }
  } catch {
    // An unreadable cursor is answered like a bad parameter, by the caller.
  }
  return null;
}
