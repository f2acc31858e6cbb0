import { describe, expect, it } from 'vitest';
import { describeAudit } from '../src/api/audit-text.js';

describe('audit sentences', () => {
  it('names the person, the action and the post, with the draft version', () => {
    expect(describeAudit({ actor: 'approver', action: 'item.approved', itemId: 'm_1', handle: 'x', detail: { draftVersion: 3 } })).toBe(
      'approver approved the reply to @x (draft v3)',
    );
    expect(describeAudit({ actor: 'earshot', action: 'publish.posted', itemId: 'm_1', handle: 'x' })).toBe(
      'Earshot posted the reply to @x',
    );
    expect(
      describeAudit({
        actor: 'ana',
        action: 'triage.corrected',
        itemId: 'm_1',
        handle: 'x',
        detail: { labels: { category: 'billing_refund' }, before: { category: 'other' } },
      }),
    ).toBe('ana corrected the triage of the post by @x: category other → billing_refund');
  });

  it('reads sensibly for a post that has expired and for kinds it does not know', () => {
    expect(describeAudit({ actor: 'ana', action: 'item.rejected', itemId: 'm_gone', detail: { reason: 'spam' } })).toBe(
      'ana rejected a post: spam',
    );
    expect(describeAudit({ actor: 'ana', action: 'item.tagged', itemId: 'm_1', handle: 'x', detail: { tag: 'vip' } })).toBe(
      'ana: item tagged on the post by @x (tag: vip)',
    );
  });

  it('keeps a sentence on one line whatever the detail holds', () => {
    const text = describeAudit({
      actor: 'anonymous',
      action: 'session.sign_in_failed',
      detail: { name: 'eve\r\nFAKE: admin approved everything\u2028', address: '10.0.0.1' },
    });
    expect(text).toBe('Failed sign-in as "eve FAKE: admin approved everything" from 10.0.0.1');
    expect(
      describeAudit({ actor: 'ana', action: 'item.rejected', itemId: 'm', handle: 'x', detail: { reason: 'y'.repeat(500) } }).length,
    ).toBeLessThan(260);
  });
});
