import { z } from 'zod';
import { formatPath } from '../config/format.js';

/**
 * Bad input from a client. A separate class from ZodError so that a schema failing inside our own
 * code (a producer bug) still answers 500 instead of blaming the caller.
 */
export class InputError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export function describeZod(error: z.ZodError, where?: string): string {
  const problems = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.length ? formatPath(issue.path) : (where ?? formatPath([]));
    return `${path}: ${issue.message}`;
  });
  if (error.issues.length > 5) problems.push(`and ${error.issues.length - 5} more`);
  return problems.join('; ');
}

/** `where` names the whole value when the problem is not in one field ("body: expected object"). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InputError(describeZod(parsed.error, where));
  return parsed.data;
}

/** Item ids are mention ids (`m_` + 22 base64url characters); the looser pattern keeps Redis keys safe either way. */
export const ItemParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected an item id') });

export function limitParam(def: number, max: number) {
  return z.coerce.number().int().min(1).max(max).default(def);
}

/** Optional query filter; an empty `?brand=` means "no filter" rather than "brand is empty". */
export const OptionalText = z
  .string()
  .max(200)
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
