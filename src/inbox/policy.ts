import type { ApprovalConfig } from '../config/schema.js';
import type { InboxItem } from '../store/inbox.js';

/**
 * Which of the configured rules say this item needs an approver; empty means a responder may
 * approve it. Each reason names its config key so a refused person knows what to ask about.
 */
export function approverRules(policy: ApprovalConfig, item: InboxItem, followers: number | null): string[] {
  const when = policy.approverRequiredWhen;
  const rules: string[] = [];
  if (when.always) rules.push('every approval needs an approver (approval.approverRequiredWhen.always)');
  if (when.followersAbove !== undefined && followers !== null && followers > when.followersAbove) {
    rules.push(`the author has ${followers} followers, more than ${when.followersAbove} (approval.approverRequiredWhen.followersAbove)`);
  }
  if (when.categories?.includes(item.category)) rules.push(`the category is "${item.category}" (approval.approverRequiredWhen.categories)`);
  if (when.edited && item.draftEdited) rules.push('the draft was edited (approval.approverRequiredWhen.edited)');
  if (when.priority === 'urgent' && item.priority === 'urgent') rules.push('the item is urgent (approval.approverRequiredWhen.priority)');
  if (when.warnings && item.draftWarnings.length > 0)
    rules.push('the draft has playbook warnings (approval.approverRequiredWhen.warnings)');
  return rules;
}
