import type { z } from 'zod';
import { describeIssues, type Mention } from '../../mention.js';
import type { Page } from './newest-first.js';

type Normalised = { ok: true; mention: Mention } | { ok: false; reason: string };

export type ItemOutcome<W> = { ok: true; wire: W; mention: Mention } | { ok: false; wire: W | null; reason: string };

/** The raw item's own id, when it has one as a string, to name it in a rejection. */
export function rawId(raw: unknown, field: string): string | null {
  const value = (raw as Record<string, unknown> | null)?.[field];
  return typeof value === 'string' ? value : null;
}

/**
 * One item of a platform's answer: checked against its wire schema, then normalised. Either step
 * failing gives a reason that starts with the item's label ("tweet 123: …"), for the dead letters.
 */
export function readItem<W>(raw: unknown, wire: z.ZodType<W>, label: string, normalise: (w: W) => Normalised): ItemOutcome<W> {
  const parsed = wire.safeParse(raw);
  if (!parsed.success) return { ok: false, wire: null, reason: `${label}: ${describeIssues(parsed.error)}` };
  const result = normalise(parsed.data);
  return result.ok ? { ok: true, wire: parsed.data, mention: result.mention } : { ok: false, wire: parsed.data, reason: `${label}: ${result.reason}` };
}

export interface PageItemSpec<W> {
  wire: z.ZodType<W>;
  /** How a person calls one item ("review", "comment thread"), and the field that holds its id. */
  noun: string;
  idField: string;
  id(w: W): string;
  /** Epoch ms of the field the feed is ordered by. */
  at(w: W): number;
  normalise(w: W): Normalised;
}

/**
 * The same for one item of a newest-first page: a good one becomes an entry, a bad one a rejected
 * entry with its id and time where they could be read, so an old bad item is recognised later.
 */
export function readIntoPage<W>(page: Page<Mention>, raw: unknown, spec: PageItemSpec<W>): void {
  const id = rawId(raw, spec.idField);
  const label = id ? `${spec.noun} ${id}` : `${spec.noun} without ${spec.idField}`;
  const item = readItem(raw, spec.wire, label, spec.normalise);
  if (item.ok) page.entries.push({ id: spec.id(item.wire), at: spec.at(item.wire), value: item.mention });
  else page.rejected.push({ key: item.wire ? spec.id(item.wire) : (id ?? JSON.stringify(raw).slice(0, 200)), at: item.wire ? spec.at(item.wire) : null, reason: item.reason, raw });
}
