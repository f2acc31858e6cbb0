import type { z } from 'zod';

/**
 * Reads a connector's stored cursor. Null when there is none or it no longer fits the schema
 * (an older format, hand-edited Redis): the caller logs why and starts again from the newest items.
 */
export function readJsonCursor<S extends z.ZodType>(schema: S, text: string | null): z.infer<S> | null {
  if (!text) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as z.infer<S>) : null;
  } catch {
    return null;
  }
}
