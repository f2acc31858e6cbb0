/** JSON values kept per source in Redis (source-kv.ts), so every worker process sees the same session or token. */
export interface SourceKv {
  get<T>(name: string): Promise<T | null>;
  set(name: string, value: unknown, ttlMs?: number): Promise<void>;
  del(name: string): Promise<void>;
}

/** In-memory version for connector contract tests that run without Redis. */
export function memoryKv(): SourceKv {
  const values = new Map<string, { value: string; until: number }>();
  return {
    async get<T>(name: string) {
      const hit = values.get(name);
      if (!hit || hit.until < Date.now()) return null;
      return JSON.parse(hit.value) as T;
    },
    async set(name, value, ttlMs) {
      values.set(name, { value: JSON.stringify(value), until: ttlMs ? Date.now() + ttlMs : Number.POSITIVE_INFINITY });
    },
    async del(name) {
      values.delete(name);
    },
  };
}
