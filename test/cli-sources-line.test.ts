import { describe, expect, it } from 'vitest';
import { sourceLine } from '../src/cli/commands.js';

const source = { id: 'demo-file', kind: 'file', interval: 10_000 };
const at = Date.parse('2026-12-04T21:03:04.675Z');

describe('earshot sources: one line per source', () => {
  it('says the last success once when the summary already says it', () => {
    const line = sourceLine(
      source,
      { state: 'ok', summary: 'Polling every 10s; last success 2026-12-04T21:03:04Z.' },
      { errorStreak: 0, lastSuccessAt: at },
    );
    expect(line).toBe('demo-file (file, every 10s): OK: Polling every 10s; last success 2026-12-04T21:03:04Z. Errors in a row: 0');
    expect(line.match(/last success/gi)).toHaveLength(1);
  });

  it('adds it where the summary does not, and says never before the first success', () => {
    const failing = { state: 'degraded', summary: 'The last poll failed (HTTP 503); Earshot retries with backoff.' };
    expect(sourceLine(source, failing, { errorStreak: 1, lastSuccessAt: at })).toMatch(
      /Errors in a row: 1; last success 2026-12-04T21:03:04\.675Z$/,
    );
    expect(sourceLine(source, failing, { errorStreak: 4, lastSuccessAt: 0 })).toMatch(/Errors in a row: 4; last success never$/);
  });
});
