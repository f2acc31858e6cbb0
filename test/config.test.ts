import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, hashToken } from '../src/config/load.js';
import { configFromObject, loadConfig } from '../src/app/config.js';
import { parseDuration } from '../src/config/duration.js';
import { baseConfig } from './helpers/app.js';

const run = promisify(execFile);

function problemsOf(input: Record<string, unknown>, env: Record<string, string> = {}): string[] {
  try {
    configFromObject(input, env, 'earshot.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

// A file source's path must exist; this file is there for the whole run.
const existingFile = path.resolve('package.json');
const fileSource = { id: 'demo', kind: 'file', brand: 'acme', interval: '30s', options: { path: existingFile } };

describe('config', () => {
  it('parses durations', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('fast')).toBeNull();
  });

  it('names the path and the fix for a bad duration', () => {
    const problems = problemsOf(baseConfig('p', { sources: [{ ...fileSource, interval: 'fast' }] }));
    expect(problems).toContain('sources[0].interval: expected a duration like "30s", got "fast"');
  });

  it('reports a missing environment variable at the path that needs it', () => {
    const problems = problemsOf(baseConfig('p', { chat: [{ id: 'slack', kind: 'slack', webhookUrl: '${SLACK_URL}' }] }));
    expect(problems.join('\n')).toMatch(/chat\[0\]\.webhookUrl: environment variable SLACK_URL is not set/);
  });

  it('substitutes variables and defaults', () => {
    const config = configFromObject(
      baseConfig('p', { chat: [{ id: 'slack', kind: 'slack', webhookUrl: '${SLACK_URL}' }], api: { port: '${PORT:-9123}' } }),
      { SLACK_URL: 'https://hooks.example/services/x' },
      'earshot.yaml',
    );
    expect(config.chat[0]).toMatchObject({ webhookUrl: 'https://hooks.example/services/x' });
    expect(config.api.port).toBe(9123);
  });

  it('checks connector options with the connector schema and brand references', () => {
    const problems = problemsOf(
      baseConfig('p', {
        sources: [
          { id: 'a', kind: 'file', brand: 'nobody', options: {} },
          { id: 'b', kind: 'carrier-pigeon', brand: 'acme' },
        ],
      }),
    );
    expect(problems.join('\n')).toMatch(/sources\[0\]\.brand: no brand with id "nobody"/);
    expect(problems.join('\n')).toMatch(/sources\[0\]\.options\.path/);
    expect(problems.join('\n')).toMatch(/sources\[1\]\.kind: unknown source kind "carrier-pigeon"; known kinds: .*file/);
  });

  it('refuses plain-http or odd-scheme platform and chat URLs except on loopback (no SSRF or token leaks through config)', () => {
    const source = (instance: string) => ({ id: 'm', kind: 'mastodon', brand: 'acme', options: { instance, token: 'tok-123456789012' } });
    const problems = problemsOf(
      baseConfig('p', {
        sources: [
          source('http://mastodon.example'),
          { ...source('http://10.0.0.5'), id: 'n' },
          { ...source('file:///etc/passwd'), id: 'o' },
        ],
      }),
    ).join('\n');
    const chatProblems = problemsOf(
      baseConfig('p', { chat: [{ id: 's', kind: 'slack', webhookUrl: 'http://hooks.example/services/x' }] }),
    ).join('\n');
    expect(problems).toMatch(/sources\[0\]\.options\.instance: must be an https/);
    expect(problems).toMatch(/sources\[1\]\.options\.instance: must be an https/);
    expect(problems).toMatch(/sources\[2\]\.options\.instance: must be an https/);
    expect(chatProblems).toMatch(/chat\[0\]\.webhookUrl: must be an https/);
    expect(
      problemsOf(baseConfig('p', { sources: [source('http://127.0.0.1:9999'), { ...source('https://mastodon.social'), id: 'n' }] })),
    ).toEqual([]);
  });

  it('stores tokens hashed, never in plain', () => {
    const config = configFromObject(baseConfig('p'), {}, 'earshot.yaml');
    const admin = config.users.find((u) => u.name === 'admin');
    expect(admin?.tokenHash).toBe(hashToken('admin-token-0123456789'));
    expect(JSON.stringify(config)).not.toContain('admin-token-0123456789');
  });

  it('refuses duplicate ids and shared tokens', () => {
    const input = baseConfig('p', {
      sources: [fileSource, fileSource],
      users: [
        { name: 'a', role: 'admin', token: 'same-token-123456' },
        { name: 'b', role: 'viewer', token: 'same-token-123456' },
      ],
    });
    const problems = problemsOf(input).join('\n');
    expect(problems).toMatch(/sources\[1\]\.id: "demo" is already used by sources\[0\]/);
    expect(problems).toMatch(/"b" and "a" share one token/);
  });

  it('loads the bundled demo config', () => {
    const config = loadConfig('config/earshot.yaml', {});
    expect(config.sources.map((s) => s.kind)).toContain('file');
    expect(config.users.length).toBeGreaterThan(0);
  });

  it('`earshot check-config` prints the same problems and exits non-zero', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-cfg-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'brands:\n  - id: acme\n    name: Acme\nsources:\n  - id: s\n    kind: file\n    brand: acme\n    interval: fast\n    options: { path: x.jsonl }\nplaybook:\n  templates: { default: hi }\n',
    );
    const result = await run('node', ['--import', 'tsx', 'src/cli/main.ts', 'check-config', '--config', file]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((result as { code: number }).code).toBe(2);
    expect((result as { stderr: string }).stderr).toContain('sources[0].interval: expected a duration like "30s", got "fast"');
    const ok = await run('node', ['--import', 'tsx', 'src/cli/main.ts', 'check-config', '--config', 'config/earshot.yaml']);
    expect(ok.stdout).toMatch(/OK — 1 brand/);
  });
});
