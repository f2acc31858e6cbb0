import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every Redis key and Lua script lives in src/store/ (the store owns persistence), so key
 * families can be listed, sized and changed in one place. Outside it, code calls store functions;
 * src/redis/ only opens connections. This reads the sources and names each line that breaks it.
 */
const SRC = path.resolve('src');
const ALLOWED = ['store', 'redis'].map((d) => path.join(SRC, d) + path.sep);

const COMMANDS = ['set', 'get', 'del', 'exists', 'eval', 'evalsha', 'defineCommand', 'multi', 'pipeline', 'zadd', 'zrem', 'zrange', 'zrangebyscore', 'zrevrange', 'zcard', 'incr', 'incrby', 'expire', 'pexpire', 'hset', 'hget', 'hgetall', 'sadd', 'srem', 'smembers', 'lpush', 'rpush', 'xadd', 'xrange', 'rename', 'scan', 'keys', 'publish', 'subscribe', 'duplicate'];
const RULES: Array<{ what: string; pattern: RegExp }> = [
  { what: 'a Redis command', pattern: new RegExp(`\\bredis\\w*\\??\\.(${COMMANDS.join('|')})\\(`, 'i') },
  { what: 'a Lua script', pattern: /redis\.call\(|runScript\(/ },
  { what: 'a Redis key built from the prefix', pattern: /\$\{[^}]*prefix\}:\S/i },
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

export function offences(files: string[], read: (file: string) => string = (f) => readFileSync(f, 'utf8')): string[] {
  const out: string[] = [];
  for (const file of files) {
    if (ALLOWED.some((dir) => file.startsWith(dir))) continue;
    read(file)
      .split('\n')
      .forEach((line, i) => {
        for (const rule of RULES) if (rule.pattern.test(line)) out.push(`${path.relative(SRC, file)}:${i + 1}: ${rule.what}: ${line.trim()}`);
      });
  }
  return out;
}

describe('the store owns every Redis key', () => {
  it('no Redis command, Lua script or key built from the prefix outside src/store/ (and src/redis/, which connects)', () => {
    expect(offences(sources(SRC))).toEqual([]);
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
