import type { Redis } from 'ioredis';

type ScriptFn = (numKeys: number, ...keysAndArgs: Array<string | number>) => Promise<unknown>;

/** Runs a Lua script through EVALSHA (ioredis caches it), so one logical store step is one round trip. */
export function runScript(redis: Redis, name: string, lua: string, keys: string[], args: Array<string | number>): Promise<unknown> {
  const commands = redis as unknown as Record<string, ScriptFn | undefined>;
  if (typeof commands[name] !== 'function') redis.defineCommand(name, { lua });
  const fn = commands[name] as ScriptFn;
  return fn.call(redis, keys.length, ...keys, ...args);
}
