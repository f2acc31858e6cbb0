import type { Redis } from 'ioredis';
import type { StoreKeys } from './keys.js';

export interface DeadLetter {
  id: string;
  at: string;
  origin: string;
  reason: string;
  payload: string;
}

const MAX_PAYLOAD = 8_000;

/** Bad input is kept, with why it was refused, so nothing is silently lost and it can be replayed after a fix. */
export async function deadLetter(redis: Redis, keys: StoreKeys, entries: Array<{ origin: string; reason: string; payload: unknown }>): Promise<void> {
  if (entries.length === 0) return;
  const pipe = redis.pipeline();
  for (const e of entries) {
    let payload = typeof e.payload === 'string' ? e.payload : safeStringify(e.payload);
    if (payload.length > MAX_PAYLOAD) payload = `${payload.slice(0, MAX_PAYLOAD)}…[truncated]`;
    pipe.xadd(keys.deadLetter, 'MAXLEN', '~', 100_000, '*', 'at', new Date().toISOString(), 'origin', e.origin, 'reason', e.reason, 'payload', payload);
  }
  await pipe.exec();
}

export async function listDeadLetters(redis: Redis, keys: StoreKeys, limit = 50): Promise<DeadLetter[]> {
  const raw = await redis.xrevrange(keys.deadLetter, '+', '-', 'COUNT', limit);
  return raw.map(([id, fields]) => {
    const get = (name: string) => fields[fields.indexOf(name) + 1] ?? '';
    return { id, at: get('at'), origin: get('origin'), reason: get('reason'), payload: get('payload') };
  });
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
