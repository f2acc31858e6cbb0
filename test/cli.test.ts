import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Db } from '../src/postgres/pool.js';
import { createRedis } from '../src/redis/connection.js';
import { readAudit } from '../src/store/audit.js';
import { listDeadLetters } from '../src/store/dead-letter.js';
import { storeKeys } from '../src/store/keys.js';
import { countMentions } from '../src/store/mentions.js';
import { baseConfig, testPrefix } from './helpers/app.js';
import { testDatabaseUrl, testDb } from './helpers/db.js';

const prefix = testPrefix();
const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-cli-'));
const config = path.join(dir, 'earshot.yaml');
let databaseUrl: string;
let db: Db;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process; `input` goes to its standard input. */
function cli(args: string[], input?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { env: { ...process.env, REDIS_URL: inject('redisUrl'), DATABASE_URL: databaseUrl, EARSHOT_CONFIG: config } },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

beforeAll(async () => {
  databaseUrl = await testDatabaseUrl(prefix);
  db = await testDb(prefix);
  writeFileSync(path.join(dir, 'none.jsonl'), '');
  writeFileSync(
    config,
    JSON.stringify(baseConfig(prefix, { sources: [{ id: 'imports', kind: 'file', brand: 'acme', options: { path: 'none.jsonl' } }] })),
  );
});

afterAll(async () => {
  await db?.end();
});

describe('help, version and usage errors', () => {
  it('each command has its own --help, distinct from the global text', async () => {
    const global = await cli(['--help']);
    expect(global.stdout).toContain('Commands:');
    for (const command of ['import', 'users', 'token', 'start']) {
      const own = await cli([command, '--help']);
      expect(own.code).toBe(0);
      expect(own.stdout.split('\n')[0]).toMatch(new RegExp(`^earshot ${command} `));
      expect(own.stdout).not.toContain('Commands:');
    }
  }, 60_000);

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect((await cli(['--version'])).stdout).toBe(`earshot ${version}\n`);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/, /earshot --help/],
    [['import', '--bogus'], /--bogus/, /earshot import --help/],
    [['import'], /import needs a file/, /earshot import --help/],
    [['import', 'no-such-file.jsonl'], /no such file/, /earshot import --help/],
    [['dead-letters', '--limit', 'lots'], /--limit must be a whole number/, /earshot dead-letters --help/],
    [['start', '--role', 'chef'], /--role must be one of/, /earshot start --help/],
    [['users', 'set-role', 'ana'], /needs a role/, /earshot users --help/],
    [['brands', 'add', 'newbrand'], /needs --name/, /earshot brands --help/],
    [['token'], /token needs --name/, /earshot token --help/],
    [['token', '--name', 'ci-bot'], /token needs --role/, /earshot token --help/],
  ])(
    '%j is one line and a hint, exit 2, no stack',
    async (args, message, hint) => {
      const res = await cli(args);
      expect(res.code).toBe(2);
      const lines = res.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(message);
      expect(lines[1]).toMatch(hint);
      expect(res.stderr).not.toMatch(/\n\s+at /);
      expect(res.stdout).toBe('');
    },
    60_000,
  );

  it('token mints only with a name and a role', async () => {
    const res = await cli(['token', '--name', 'ci-bot', '--role', 'viewer']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/- name: ci-bot\n\s+role: viewer\n\s+tokenHash: "sha256:[0-9a-f]{64}"/);
  });
});

describe('import', () => {
  it('re-importing a file keeps each bad line once in the dead letters', async () => {
    const file = path.join(dir, 'export.jsonl');
    const good = (id: number) =>
      JSON.stringify({
        id: `j${id}`,
        text: `post ${id} about @AcmeAir`,
        createdAt: '2026-11-21T10:00:00Z',
        author: { id: `a${id}`, handle: `a${id}` },
      });
    writeFileSync(file, `${good(1)}\n{"id":"j2"}\nnot json\n${good(3)}\n`);
    const first = await cli(['import', file]);
    expect(first.stderr).toMatch(/imported 2 new mention\(s\).*2 rejected/);
    const second = await cli(['import', file]);
    expect(second.stderr).toMatch(/imported 0 new.*2 rejected, 2 of them already in the dead letters/);
    const redis = createRedis(inject('redisUrl'));
    const dead = (await listDeadLetters(redis, storeKeys(prefix), 100)).filter((d) => d.origin === 'import:export.jsonl');
    await redis.quit();
    expect(dead.map((d) => d.reason.slice(0, 7)).sort()).toEqual(['line 2:', 'line 3:']);
  }, 120_000);

  it('a CSV with a malformed quote dead-letters that row, naming its line, and imports the rest', async () => {
    const file = path.join(dir, 'export.csv');
    writeFileSync(
      file,
      'id,text,createdAt,author\nc1,"delayed again, @AcmeAir",2026-11-21T10:00:00Z,ann\nc2,"she said "never again" loudly",2026-11-21T10:01:00Z,bob\nc3,"lost bag, no answer",2026-11-21T10:02:00Z,cy\n',
    );
    const before = await countMentions(db);
    const res = await cli(['import', file]);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/imported 2 new mention\(s\).*1 rejected/);
    expect(await countMentions(db)).toBe(before + 2);
    const redis = createRedis(inject('redisUrl'));
    const dead = (await listDeadLetters(redis, storeKeys(prefix), 100)).filter((d) => d.origin === 'import:export.csv');
    await redis.quit();
    expect(dead).toHaveLength(1);
    expect(dead[0]?.reason).toMatch(/^line 3: text after the closing quote/);
    expect(dead[0]?.payload).toContain('never again');
  }, 120_000);
});

describe('users and brands', () => {
  it('adds a user with a password from stdin and a brand, both audited as the CLI user', async () => {
    const add = await cli(['users', 'add', 'olga', '--role', 'responder', '--password-stdin'], 'olga-has-a-long-password\n');
    expect(add).toMatchObject({ code: 0 });
    expect(add.stdout).toContain('added olga (responder)');
    const short = await cli(['users', 'add', 'pim', '--role', 'viewer', '--password-stdin'], 'short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/at least 12 characters/);
    const brand = await cli(['brands', 'add', 'zeta', '--name', 'Zeta Bank', '--keyword', 'zeta bank', '--handle', '@ZetaBank']);
    expect(brand.code).toBe(0);
    const list = await cli(['brands', 'list']);
    expect(list.stdout).toMatch(/zeta\s+Zeta Bank\s+"zeta bank" @ZetaBank/);
    const users = await cli(['users', 'list']);
    expect(users.stdout).toMatch(/olga\s+responder\s+enabled\s+password\s+set by admin/);
    const audit = await readAudit(db, { action: 'user.added' });
    expect(audit[0]?.actor).toMatch(/^cli:/);
    const dup = await cli(['users', 'add', 'olga', '--role', 'viewer', '--token']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/exists already/);
  }, 180_000);
});
