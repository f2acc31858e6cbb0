import type { Role } from '../config/schema.js';
import { Actions, can, type Action } from '../inbox/permissions.js';
import {
  ACTIONABLE_STATUSES,
  ANSWERED_STATUSES,
  CLOSED_STATUSES,
  EDITABLE_STATUSES,
  ItemStatuses,
  OPEN_STATUSES,
  type ItemStatus,
} from '../store/inbox.js';
import { Categories, type Category } from '../triage-types.js';

/**
 * What the web UI needs to know of the server's rules, sent with the session so the browser never
 * keeps its own copy: a copy drifts (the UI once had a `triage` permission the server never had).
 * The buttons it hides are only a courtesy; the server checks every action again.
 */
export type StatusGroup = 'all' | 'open' | 'actionable' | 'editable' | 'answered' | 'closed';

export interface Vocabulary {
  may: Action[];
  statuses: Record<StatusGroup, readonly ItemStatus[]>;
  categories: readonly Category[];
}

export function vocabularyFor(role: Role): Vocabulary {
  return {
    may: Actions.filter((a) => can(role, a)),
    statuses: {
      all: ItemStatuses,
      open: OPEN_STATUSES,
      actionable: ACTIONABLE_STATUSES,
      editable: EDITABLE_STATUSES,
      answered: ANSWERED_STATUSES,
      closed: CLOSED_STATUSES,
    },
    categories: Categories,
  };
}
