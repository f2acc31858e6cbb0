// What an inbox item is, apart from how it is stored: item-row.ts maps rows to it, inbox.ts
// reads and changes them, and neither needs the other for the types.
export const ItemStatuses = [
  'new',
  'assigned',
  'awaiting_second',
  'approved',
  'publishing',
  'posted',
  'rejected',
  'needs_check',
  'failed',
  'spam',
] as const;
export type ItemStatus = (typeof ItemStatuses)[number];
export type Priority = 'urgent' | 'normal';
/** Done with: answered, rejected, or marked as spam (reversible, see actions.ts). */
export const CLOSED_STATUSES: readonly ItemStatus[] = ['posted', 'rejected', 'spam'];
/** Not done with: what the queue shows when no status is asked for. */
export const OPEN_STATUSES: readonly ItemStatus[] = [
  'new',
  'assigned',
  'awaiting_second',
  'approved',
  'publishing',
  'needs_check',
  'failed',
];
/** Waiting for a person: the statuses a responder can reject, assign, snooze or approve from. */
export const ACTIONABLE_STATUSES: readonly ItemStatus[] = ['new', 'assigned', 'awaiting_second', 'failed', 'needs_check'];
/** Answered: a person approved a reply, and it is on its way to the platform or posted. */
export const ANSWERED_STATUSES: readonly ItemStatus[] = ['approved', 'publishing', 'posted'];
/** Whose draft may still change (not once a first approval is waiting for the second). */
export const EDITABLE_STATUSES: readonly ItemStatus[] = ['new', 'assigned', 'failed', 'needs_check'];

export interface InboxItem {
  id: string;
  brandId: string;
  sourceId: string;
  platform: string;
  priority: Priority;
  status: ItemStatus;
  urgency: number;
  category: string;
  sentiment: string;
  /** Triage's language tag (null when the item predates it). */
  language: string | null;
  createdAt: number;
  routedAt: number;
  updatedAt: number;
  slaDueAt: number;
  draft: string;
  draftTemplate: string;
  draftWarnings: string[];
  draftVersion: number;
  draftEdited: boolean;
  /** How many times it was approved or resent; part of the publish job id. */
  approvals: number;
  assignee: string | null;
  approvedBy: string | null;
  approvedAt: number | null;
  replyId: string | null;
  replyUrl: string | null;
  postedAt: number | null;
  lastError: string | null;
  rejectReason: string | null;
  /** Hidden from the default queue until then (ms); the status does not change. */
  snoozedUntil: number | null;
  /** With two approvals: who gave the first, and for which draft version. */
  firstApprovedBy: string | null;
  firstApprovedVersion: number | null;
  /** The post's near-duplicate key (text/near-duplicate.ts); null for short posts. */
  dupKey: string | null;
  /** The first open item of this item's near-duplicate group; null when it leads one or has none. */
  dupOf: string | null;
  /** An approval in its undo window: the publish waits until then and can be cancelled. */
  sendAt: number | null;
  /** The status an undone approval returns to. */
  undoStatus: ItemStatus | null;
}
