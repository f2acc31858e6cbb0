import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createLogger, logSafe } from '../src/log.js';
import { RedisNotInstalledError, startEmbeddedRedis } from '../src/redis/embedded.js';
import { createRedis } from '../src/redis/connection.js';
import { storeKeys } from '../src/store/keys.js';
import { listDeadLetters } from '../src/store/dead-letter.js';
import { baseConfig, testPrefix } from './helpers/app.js';
import { testDatabaseUrl, testDb } from './helpers/db.js';
import { countMentions } from '../src/store/mentions.js';

const run = promisify(execFile);

describe('runtime', () => {
  it('explains how to get Redis when redis-server is missing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-nored-'));
    const err = await startEmbeddedRedis({ dataDir: dir, binary: 'redis-server-that-does-not-exist' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisNotInstalledError);
    expect((err as Error).message).toMatch(/apt-get install redis-server/);
    expect((err as Error).message).toMatch(/REDIS_URL=/);
  });

  it('embedded redis keeps data with AOF across a restart, and a second process joins the running one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-aof-'));
    const first = await startEmbeddedRedis({ dataDir: dir });
    const joined = await startEmbeddedRedis({ dataDir: dir });
    expect(joined.port).toBe(first.port);
    const client = createRedis(first.url);
    await client.set('kept', 'yes');
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    await client.quit();
    await joined.stop(); // not the owner: must leave the server running
    await first.stop();
    const again = await startEmbeddedRedis({ dataDir: dir });
    const client2 = createRedis(again.url);
    expect(await client2.get('kept')).toBe('yes');
    await client2.quit();
    await again.stop();
  });

  it('redacts secrets and defuses control characters in logs', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const log = createLogger({ level: 'info', pretty: false }, sink);
    log.info(
      {
        token: 'sekrit-1',
        source: { token: 'sekrit-2' },
        req: { headers: { authorization: 'Bearer sekrit-3' } },
        webhookUrl: 'https://hooks/sekrit-4',
      },
      'hello',
    );
    const out = lines.join('');
    expect(out).not.toMatch(/sekrit/);
    expect(out).toContain('[redacted]');
    expect(logSafe('line1\nFAKE LOG LINE\u001b[2J')).toBe('line1 FAKE LOG LINE [2J');
  });

  it('`earshot import` backfills JSONL, dead-letters bad lines, and is safe to repeat', async () => {
    const redisUrl = inject('redisUrl');
    const prefix = testPrefix();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-import-'));
    const file = path.join(dir, 'export.jsonl');
    const good = (id: number) =>
      JSON.stringify({
        id: `p${id}`,
        text: `post ${id} about @AcmeAir`,
        createdAt: '2026-11-21T10:00:00Z',
        author: { id: `a${id}`, handle: `a${id}@x.example` },
      });
    writeFileSync(file, `${[1, 2, 3].map(good).join('\n')}\n{"id":"p4"}\n${good(5)}\n`);
    const config = path.join(dir, 'earshot.yaml');
    // A file source's path must exist (config check); this one is only the import's attribution.
    writeFileSync(path.join(dir, 'none.jsonl'), '');
    writeFileSync(
      config,
      JSON.stringify(baseConfig(prefix, { sources: [{ id: 'imports', kind: 'file', brand: 'acme', options: { path: 'none.jsonl' } }] })),
    );
    const databaseUrl = await testDatabaseUrl(prefix);
    const cli = (args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args, '--config', config], {
        env: { ...process.env, REDIS_URL: redisUrl, DATABASE_URL: databaseUrl },
      });
    const first = await cli(['import', file]);
    expect(first.stderr).toMatch(/imported 4 new mention\(s\) into source "imports" \(0 already known, 1 rejected/);
    const second = await cli(['import', file]);
    expect(second.stderr).toMatch(/imported 0 new mention\(s\).*\(4 already known, 1 rejected/);
    const redis = createRedis(redisUrl);
    const keys = storeKeys(prefix);
    const db = await testDb(prefix);
    expect(await countMentions(db)).toBe(4);
    await db.end();
    const dead = await listDeadLetters(redis, keys);
    expect(dead[0]?.reason).toMatch(/^line 4: /);
    await redis.quit();
  }, 60_000);
});
