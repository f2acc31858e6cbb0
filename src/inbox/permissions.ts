import type { Role } from '../config/schema.js';

export const Actions = ['read', 'assign', 'edit', 'reject', 'approve', 'resend', 'audit', 'admin'] as const;
export type Action = (typeof Actions)[number];

const RANK: Record<Role, number> = { viewer: 0, responder: 1, approver: 2, admin: 3 };

/** Lowest role allowed to do each action; higher roles inherit everything below. */
const NEEDS: Record<Action, Role> = {
  read: 'viewer',
  assign: 'responder',
  edit: 'responder',
  reject: 'responder',
  approve: 'approver',
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
