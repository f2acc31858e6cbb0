import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineOffences, tsSources, type LineRule } from './helpers/source-scan.js';

/**
 * Every Redis key and Lua script lives in src/store/ (the store owns persistence), so key
 * families can be listed, sized and changed in one place. Outside it, code calls store functions;
 * src/redis/ only opens connections. This reads the sources and names each line that breaks it.
 */
const SRC = path.resolve('src');
const ALLOWED = ['store', 'redis'].map((d) => path.join(SRC, d) + path.sep);

const COMMANDS = [
  'set',
  'get',
  'del',
  'exists',
  'eval',
  'evalsha',
  'defineCommand',
  'multi',
  'pipeline',
  'zadd',
  'zrem',
  'zrange',
  'zrangebyscore',
  'zrevrange',
  'zcard',
  'incr',
  'incrby',
  'expire',
  'pexpire',
  'hset',
  'hget',
  'hgetall',
  'sadd',
  'srem',
  'smembers',
  'lpush',
  'rpush',
  'xadd',
  'xrange',
  'rename',
  'scan',
  'keys',
  'publish',
  'subscribe',
  'duplicate',
];
const RULES: LineRule[] = [
  { what: 'a Redis command', pattern: new RegExp(`\\bredis\\w*\\??\\.(${COMMANDS.join('|')})\\(`, 'i') },
  { what: 'a Lua script', pattern: /redis\.call\(|runScript\(/ },
  { what: 'a Redis key built from the prefix', pattern: /\$\{[^}]*prefix\}:\S/i },
];

export function offences(files: string[], read: (file: string) => string = (f) => readFileSync(f, 'utf8')): string[] {
  return files.flatMap((file) => (ALLOWED.some((dir) => file.startsWith(dir)) ? [] : lineOffences(file, read(file), RULES, SRC)));
}

describe('the store owns every Redis key', () => {
  it('no Redis command, Lua script or key built from the prefix outside src/store/ (and src/redis/, which connects)', () => {
    expect(offences(tsSources(SRC))).toEqual([]);
  });

  it('the check itself catches each kind of line', () => {
    const planted = [
      "await ctx.redis.set(`${ctx.config.redis.prefix}:x:${id}`, '1', 'PX', 1000, 'NX');",
      "const got = await this.ctx.redis.get('k');",
      "await runScript(ctx.redis, 'x', LUA, [key], []);",
      "const LUA = `return redis.call('GET', KEYS[1])`;",
      'const key = `${prefix}:rl:${budget}`;',
    ];
    const found = offences([path.join(SRC, 'pipeline', 'planted.ts')], () => planted.join('\n'));
    expect(found.map((f) => f.split(':')[1])).toEqual(['1', '1', '2', '3', '4', '5']);
  });
});
