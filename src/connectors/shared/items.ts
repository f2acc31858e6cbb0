import type { z } from 'zod';
import { describeIssues, type Mention } from '../../mention.js';
import type { RejectedItem } from '../types.js';
import type { Page } from './newest-first.js';

export type Normalised = { ok: true; mention: Mention } | { ok: false; reason: string };

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
  return result.ok
    ? { ok: true, wire: parsed.data, mention: result.mention }
    : { ok: false, wire: parsed.data, reason: `${label}: ${result.reason}` };
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
  else
    page.rejected.push({
      key: item.wire ? spec.id(item.wire) : (id ?? JSON.stringify(raw).slice(0, 200)),
      at: item.wire ? spec.at(item.wire) : null,
      reason: item.reason,
      raw,
    });
}

/**
 * What a poll (or one streamed event) gathers. `seen` holds the keys of items already taken, so a
 * post found in two feeds (or boosted) is one mention, and the same bad item one dead letter.
 */
export interface Gathered {
  mentions: Mention[];
  rejected: RejectedItem[];
  seen: Set<string>;
}

/** A rejection with its reason, once per reason within one gathering. */
export function reject(into: Gathered, reason: string, raw: unknown): void {
  if (into.seen.has(`rejected:${reason}`)) return;
  into.seen.add(`rejected:${reason}`);
  into.rejected.push({ reason, raw });
}

/** A normalised item goes in as a mention, or as a rejection whose reason starts with `label`. */
export function keep(into: Gathered, label: string, result: Normalised, raw: unknown): void {
  if (result.ok) into.mentions.push(result.mention);
  else reject(into, `${label}: ${result.reason}`, raw);
}

export interface GatherSpec<W> {
  wire: z.ZodType<W>;
  /** How a rejection names the raw item ("status 123", "t1_abc", "status without id"). */
  label(raw: unknown): string;
  /** The post the item is: a second item with this key is the same post and is skipped. */
  key(w: W): string;
  /** The label for a normalising failure, when it is not the raw item's (a boost names the boosted post). */
  name?(w: W): string;
  normalise(w: W): Normalised;
}

/**
 * One raw item of a feed without paging positions to keep: checked against its wire schema,
 * skipped when its post was already taken, then normalised. Recognised before normalising, so a
 * post seen twice costs one normalisation; a bad item is rejected and the rest keeps flowing.
 * `kept` is what a rejection keeps for the dead letters when it is more than the item (the
 * notification around a status).
 */
export function gather<W>(into: Gathered, raw: unknown, spec: GatherSpec<W>, kept: unknown = raw): void {
  const label = spec.label(raw);
  const parsed = spec.wire.safeParse(raw);
  if (!parsed.success) return reject(into, `${label}: ${describeIssues(parsed.error)}`, kept);
  const key = spec.key(parsed.data);
  if (into.seen.has(key)) return;
  into.seen.add(key);
  keep(into, spec.name?.(parsed.data) ?? label, spec.normalise(parsed.data), kept);
}
