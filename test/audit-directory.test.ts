import { describe, expect, it } from 'vitest';
import { describeAudit } from '../src/api/audit-text.js';

describe('audit sentences for users and brands', () => {
  it('reads the changes an admin made', () => {
    expect(
      describeAudit({
        actor: 'root',
        action: 'user.changed',
        detail: { user: 'nia', changes: { role: { from: 'responder', to: 'viewer' }, disabled: true, password: 'reset' } },
      }),
    ).toBe('root changed user nia: role responder → viewer, disabled, password reset');
    expect(describeAudit({ actor: 'cli:ops', action: 'user.added', detail: { user: 'bot', role: 'viewer', token: true } })).toBe(
      'cli:ops added user bot as viewer, with an API token',
    );
    expect(
      describeAudit({
        actor: 'root',
        action: 'brand.changed',
        detail: { brand: 'zephyr', changes: { keywords: { from: ['a'], to: ['a', 'b'] } } },
      }),
    ).toBe('root changed brand zephyr: keywords ["a"] → ["a","b"]');
  });
});
