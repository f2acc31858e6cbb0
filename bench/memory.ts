import type { Redis } from 'ioredis';

/**
 * Where Redis's bytes go: every key of the prefix, grouped by its shape (ids and numbers
 * replaced), with MEMORY USAGE summed per group and divided by the stored mentions. Run right
 * after the main replay, when a full scan takes seconds.
 */
export async function memoryByKeyFamily(
  redis: Redis,
  prefix: string,
  mentions: number,
): Promise<Array<{ family: string; keys: number; perMention: number }>> {
  const groups = new Map<string, { keys: number; bytes: number }>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 2000);
    cursor = next;
    const pipe = redis.pipeline();
    for (const key of keys) pipe.memory('USAGE', key, 'SAMPLES', '0');
    const sizes = (await pipe.exec()) ?? [];
    keys.forEach((key, i) => {
      const family = key
        .slice(prefix.length + 1)
        .replace(/m_[A-Za-z0-9_-]{22}/g, '<id>')
        .replace(/\d+/g, '#');
      const g = groups.get(family) ?? { keys: 0, bytes: 0 };
      g.keys += 1;
      g.bytes += Number(sizes[i]?.[1] ?? 0);
      groups.set(family, g);
    });
  } while (cursor !== '0');
  return [...groups]
    .map(([family, g]) => ({ family, keys: g.keys, perMention: g.bytes / mentions }))
    .sort((a, b) => b.perMention - a.perMention);
}
