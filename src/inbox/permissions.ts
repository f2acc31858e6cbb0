import type { Role } from '../config/schema.js';

export const Actions = ['read', 'assign', 'edit', 'reject', 'snooze', 'approve', 'approveRestricted', 'resend', 'audit', 'admin'] as const;
export type Action = (typeof Actions)[number];

const RANK: Record<Role, number> = { viewer: 0, responder: 1, approver: 2, admin: 3 };

/**
 * Lowest role allowed to do each action; higher roles inherit everything below. Responders may
 * approve, but only where the approval policy (config `approval`) does not ask for an approver:
 * that case is `approveRestricted`, checked in approveItem once the item is known.
 */
const NEEDS: Record<Action, Role> = {
  read: 'viewer',
  assign: 'responder',
  edit: 'responder',
  reject: 'responder',
  snooze: 'responder',
  approve: 'responder',
  approveRestricted: 'approver',
  resend: 'approver',
  audit: 'approver',
  admin: 'admin',
};

export function can(role: Role, action: Action): boolean {
  return RANK[role] >= RANK[NEEDS[action]];
}

export function requiredRole(action: Action): Role {
  return NEEDS[action];
}

/** For refusals: what the action needs, in words a person can act on. */
export function describeNeed(action: Action): string {
  if (action === 'approve') return 'the responder role or higher (approver where the approval policy asks for one)';
  return `the ${NEEDS[action]} role or higher`;
}
