// Checked stand-ins for the `!` non-null assertion, which eslint forbids: when a value a test
// relies on is missing, the test fails here, saying what was missing, instead of with a TypeError
// further on or, worse, by passing `undefined` into an assertion that happens to accept it.
import type { SourceClient } from '../../src/connectors/types.js';

export class MissingValueError extends Error {
  override name = 'MissingValueError';
}

/** `items[index]`, or a MissingValueError when there is no such item. */
export function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new MissingValueError(`no item at index ${index}: the list has ${items.length}`);
  return item;
}

/** `value` itself, or a MissingValueError when it is null or undefined. */
export function present<T>(value: T | null | undefined, what = 'a value'): T {
  if (value === null || value === undefined) throw new MissingValueError(`expected ${what}, got ${value}`);
  return value;
}

/** The client's reply method, bound to it; fails when the connector cannot reply. */
export function replyOf(client: SourceClient): NonNullable<SourceClient['reply']> {
  const reply = client.reply;
  if (!reply) throw new MissingValueError('this source client has no reply()');
  return reply.bind(client);
}

/** The client's stream method, bound to it; fails when the connector only polls. */
export function streamOf(client: SourceClient): NonNullable<SourceClient['stream']> {
  const stream = client.stream;
  if (!stream) throw new MissingValueError('this source client has no stream()');
  return stream.bind(client);
}
