import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { gather, keep, reject, type Gathered } from '../../src/connectors/shared/items.js';
import type { Mention } from '../../src/mention.js';

// A wire item is { id, text }; normalising fails on text "bad" and counts how often it ran.
const Wire = z.object({ id: z.string(), text: z.string() });
type Wire = z.infer<typeof Wire>;
const mention = (w: Wire) => ({ id: w.id, text: w.text }) as unknown as Mention;

function spec(normalised: string[]) {
  return {
    wire: Wire,
    label: (raw: unknown) => `item ${String((raw as { id?: unknown } | null)?.id ?? 'without id')}`,
    key: (w: Wire) => w.id,
    normalise: (w: Wire) => {
      normalised.push(w.id);
      return w.text === 'bad' ? { ok: false as const, reason: 'text is bad' } : { ok: true as const, mention: mention(w) };
    },
  };
}

const fresh = (): Gathered => ({ mentions: [], rejected: [], seen: new Set() });

describe('shared item reading', () => {
  it('takes good items, rejects a malformed one with its reason and keeps reading', () => {
    const into = fresh();
    const normalised: string[] = [];
    const raws = [{ id: 'a', text: 'one' }, { id: 'b', text: 42 }, { text: 'no id' }, { id: 'c', text: 'bad' }, { id: 'd', text: 'two' }];
    for (const raw of raws) gather(into, raw, spec(normalised));
    expect(into.mentions.map((m) => m.id)).toEqual(['a', 'd']);
    expect(into.rejected).toEqual([
      { reason: expect.stringMatching(/^item b: text: /), raw: raws[1] },
      { reason: expect.stringMatching(/^item without id: id: /), raw: raws[2] },
      { reason: 'item c: text is bad', raw: raws[3] },
    ]);
  });

  it('recognises a post seen in a second feed before normalising it again, and dead-letters a bad one once', () => {
    const into = fresh();
    const normalised: string[] = [];
    for (const raw of [
      { id: 'a', text: 'one' },
      { id: 'c', text: 'bad' },
      { id: 'a', text: 'one' },
      { id: 'c', text: 'bad' },
    ])
      gather(into, raw, spec(normalised));
    expect(normalised).toEqual(['a', 'c']);
    expect(into.mentions).toHaveLength(1);
    expect(into.rejected.map((r) => r.reason)).toEqual(['item c: text is bad']);
  });

  it('keeps what a rejection should keep and names a normalising failure as the spec says', () => {
    const into = fresh();
    const around = { notification: 1, status: { id: 'x', text: 'bad' } };
    gather(into, around.status, { ...spec([]), name: (w: Wire) => `boosted ${w.id}` }, around);
    expect(into.rejected).toEqual([{ reason: 'boosted x: text is bad', raw: around }]);
    keep(into, 'item y', { ok: false, reason: 'empty' }, 'raw-y');
    reject(into, 'item y: empty', 'again');
    expect(into.rejected.map((r) => r.raw)).toEqual([around, 'raw-y']);
  });
});
