import { z } from 'zod';

/**
 * A config object that refuses keys it does not know. A typo such as `twoAproval` or
 * `urgentTreshold` would otherwise be dropped without a word and quietly weaken approvals or
 * alerts; the error names the key and the known key it most likely meant.
 */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, known) : undefined),
  });
}

export function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  return keys
    .map((key) => {
      const guess = closestKey(key, known);
      return guess ? `unknown key "${key}"; did you mean "${guess}"?` : `unknown key "${key}"; known keys: ${known.join(', ')}`;
    })
    .join('; ');
}

/** The known key nearest to `key` by edit distance (case ignored), when near enough to be a typo. */
export function closestKey(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // A third of the longer name: "chats" → "chat", "urgentTreshold" → "urgentThreshold", but not "foo" → "log".
  const limit = Math.max(1, Math.floor(Math.max(key.length, best?.length ?? 0) / 3));
  return best !== null && bestDistance <= limit ? best : null;
}

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = row;
  }
  return prev[b.length] as number;
}
