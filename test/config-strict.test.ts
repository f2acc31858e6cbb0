import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/load.js';
import { configFromObject, loadConfig } from '../src/app/config.js';
import { closestKey } from '../src/config/strict.js';
import { baseConfig } from './helpers/app.js';

const run = promisify(execFile);

function problemsOf(input: Record<string, unknown>, file = 'earshot.yaml'): string[] {
  try {
    configFromObject(input, {}, file);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('config: unknown keys are errors with a suggestion', () => {
  it('approval.twoAproval (would leave single approvals on)', () => {
    expect(problemsOf(baseConfig('p', { approval: { twoAproval: true } }))).toEqual([
      'approval: unknown key "twoAproval"; did you mean "twoApprovals"?',
    ]);
  });

  it('users[0].slackUserID (would leave Slack clicks unmapped)', () => {
    const users = [{ name: 'ana', role: 'approver', token: 'ana-token-0123456789', slackUserID: 'U024BE7LH' }];
    expect(problemsOf(baseConfig('p', { users }))).toEqual(['users[0]: unknown key "slackUserID"; did you mean "slackUserId"?']);
  });

  it('chats: at the top level (would drop every chat destination)', () => {
    expect(problemsOf(baseConfig('p', { chats: [{ id: 'c', kind: 'console' }] }))).toEqual([
      '(top level): unknown key "chats"; did you mean "chat"?',
    ]);
  });

  it('urgentTreshold (would leave the threshold at its default)', () => {
    expect(problemsOf(baseConfig('p', { triage: { urgentTreshold: 40 } }))).toEqual([
      'triage: unknown key "urgentTreshold"; did you mean "urgentThreshold"?',
    ]);
    // Misplaced one level up, it is unknown there too.
    expect(problemsOf(baseConfig('p', { urgentThreshold: 40 }))[0]).toMatch(/^\(top level\): unknown key "urgentThreshold"/);
  });

  it('in chat destinations and connector options too', () => {
    const chat = [{ id: 's', kind: 'slack', webhookUrl: 'https://hooks.slack.com/services/T/B/x', minUrgncy: 50 }];
    expect(problemsOf(baseConfig('p', { chat }))).toEqual(['chat[0]: unknown key "minUrgncy"; did you mean "minUrgency"?']);
    const sources = [{ id: 'f', kind: 'rss', brand: 'acme', options: { url: 'https://feeds.example/rss', backfil: false } }];
    expect(problemsOf(baseConfig('p', { sources }))).toEqual(['sources[0].options: unknown key "backfil"; did you mean "backfill"?']);
  });

  it('lists the known keys when nothing is close', () => {
    expect(problemsOf(baseConfig('p', { approval: { banana: 1 } }))[0]).toBe(
      'approval: unknown key "banana"; known keys: approverRequiredWhen, twoApprovals',
    );
    expect(closestKey('foo', ['log', 'chat'])).toBeNull();
  });
});

describe('config: a file source must point at a file', () => {
  it('names the missing path and the fix', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-strict-'));
    const sources = [{ id: 'f', kind: 'file', brand: 'acme', options: { path: 'nowhere.jsonl' } }];
    const problems = problemsOf(baseConfig('p', { sources }), path.join(dir, 'earshot.yaml'));
    expect(problems).toEqual([
      `sources[0].options.path: ${path.join(dir, 'nowhere.jsonl')} does not exist; fix the path (relative paths start from the config file's folder) or create the file`,
    ]);
    writeFileSync(path.join(dir, 'nowhere.jsonl'), '');
    expect(problemsOf(baseConfig('p', { sources }), path.join(dir, 'earshot.yaml'))).toEqual([]);
  });
});

describe('config: every URL field follows the outbound policy', () => {
  const google = (oauth: Record<string, unknown>) => ({
    id: 'play',
    kind: 'googleplay',
    brand: 'acme',
    options: { packageName: 'com.acme.app', oauth: { clientId: 'cid', clientSecret: 'csecret', refreshToken: 'rtok', ...oauth } },
  });
  const key = (tokenUri: string) => ({
    id: 'biz',
    kind: 'googlebusiness',
    brand: 'acme',
    options: {
      accountId: '1',
      locationId: '2',
      serviceAccount: {
        client_email: 'svc@x.iam',
        private_key: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----',
        token_uri: tokenUri,
      },
    },
  });

  it('refuses metadata, private, decimal and mapped addresses, file: and gopher: as oauth.tokenUri and token_uri', () => {
    for (const uri of [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'https://10.0.0.1/token',
      'http://2130706433/',
      'https://[::ffff:169.254.169.254]/',
      'file:///etc/passwd',
      'gopher://127.0.0.1:6379/_x',
    ]) {
      const problems = problemsOf(baseConfig('p', { sources: [google({ tokenUri: uri }), key(uri)] })).join('\n');
      expect(problems, uri).toMatch(/sources\[0\]\.options\.oauth\.tokenUri: must be/);
      expect(problems, uri).toMatch(/sources\[1\]\.options\.serviceAccount/);
    }
    expect(problemsOf(baseConfig('p', { sources: [google({ tokenUri: 'https://oauth2.googleapis.com/token' })] }))).toEqual([]);
  });

  it('a private address passes only where the source or destination opted in', () => {
    const feed = (extra: Record<string, unknown>) => ({
      id: 'intranet',
      kind: 'rss',
      brand: 'acme',
      options: { url: 'https://10.1.2.3/feed.xml' },
      ...extra,
    });
    expect(problemsOf(baseConfig('p', { sources: [feed({})] }))[0]).toMatch(
      /^sources\[0\]\.options\.url: .*private or link-local.*allowPrivateNetwork: true/,
    );
    expect(problemsOf(baseConfig('p', { sources: [feed({ allowPrivateNetwork: true })] }))).toEqual([]);
    const hook = (extra: Record<string, unknown>) => ({
      id: 'mm',
      kind: 'webhook',
      webhookUrl: 'https://192.168.1.20/hooks/earshot',
      secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
      ...extra,
    });
    expect(problemsOf(baseConfig('p', { chat: [hook({})] }))[0]).toMatch(/^chat\[0\]\.webhookUrl: .*private/);
    expect(problemsOf(baseConfig('p', { chat: [hook({ allowPrivateNetwork: true })] }))).toEqual([]);
    // The opt-in never opens the metadata service.
    expect(
      problemsOf(baseConfig('p', { sources: [{ ...feed({ allowPrivateNetwork: true }), options: { url: 'https://169.254.169.254/' } }] })),
    ).toHaveLength(1);
  });
});

describe('config: the shipped and test configs stay valid', () => {
  it('config/*.yaml', () => {
    for (const name of readdirSync('config').filter((f) => /\.ya?ml$/.test(f))) {
      expect(() => loadConfig(path.join('config', name), {}), name).not.toThrow();
    }
  });

  it('`earshot check-config` names the unknown key and exits non-zero', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-strict-'));
    const file = path.join(dir, 'earshot.yaml');
    writeFileSync(file, JSON.stringify(baseConfig('p', { approval: { twoAproval: true } })));
    const result = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'check-config', '--config', file]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((result as { code?: number }).code).not.toBe(0);
    expect((result as { stderr: string }).stderr).toMatch(/approval: unknown key "twoAproval"; did you mean "twoApprovals"\?/);
  });
});
