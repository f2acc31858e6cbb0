import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { runScript } from './scripts.js';
import type { StoreKeys } from './keys.js';

export interface DeadLetter {
  id: string;
  at: string;
  origin: string;
  reason: string;
  payload: string;
}

const MAX_PAYLOAD = 8_000;

/** How long a dead letter's fingerprint is remembered: a re-import within this time adds nothing twice. */
const SEEN_MS = 30 * 86_400_000;

// The fingerprint and the entry are written together or not at all, so a crash between them
// cannot leave a fingerprint whose dead letter was never kept.
const ADD_ONCE = `if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', 100000, '*', 'at', ARGV[2], 'origin', ARGV[3], 'reason', ARGV[4], 'payload', ARGV[5])
  return 1
end
return 0`;

export interface NewDeadLetter {
  origin: string;
  reason: string;
  payload: unknown;
  /**
   * What makes two dead letters the same, beside their origin: an import passes its line number
   * and the line, so importing the file again adds none; by default the payload itself.
   */
  key?: string;
}

/**
 * Bad input is kept, with why it was refused, so nothing is silently lost and it can be replayed
 * after a fix. The same item from the same origin is kept once (a re-fetched page, a re-imported
 * file). Returns how many were new.
 */
export async function deadLetter(redis: Redis, keys: StoreKeys, entries: NewDeadLetter[]): Promise<number> {
  if (entries.length === 0) return 0;
  const at = new Date().toISOString();
  const added = await Promise.all(
    entries.map((e) => {
      let payload = typeof e.payload === 'string' ? e.payload : safeStringify(e.payload);
      const fingerprint = createHash('sha256')
        .update(`${e.origin}\u0000${e.key ?? payload}`)
        .digest('base64url');
      if (payload.length > MAX_PAYLOAD) payload = `${payload.slice(0, MAX_PAYLOAD)}…[truncated]`;
      return runScript(
        redis,
        'earshotDeadLetterOnce',
        ADD_ONCE,
        [keys.deadLetterSeen(fingerprint), keys.deadLetter],
        [SEEN_MS, at, e.origin, e.reason, payload],
      );
    }),
  );
  return added.filter((n) => Number(n) === 1).length;
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
