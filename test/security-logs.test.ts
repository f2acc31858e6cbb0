import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/redis/embedded.js';
import { FakeMastodon } from './fakes/mastodon.js';
import { FakeSlack } from './fakes/slack.js';
import { baseConfig, testPrefix } from './helpers/app.js';
import { testDatabaseUrl } from './helpers/db.js';
import { waitFor } from './helpers/wait.js';

const SECRETS = {
  mastodon: 'sekrit-mastodon-token-7f3a9c',
  approver: 'sekrit-approver-token-51be2d',
  signing: 'sekrit-slack-signing-secret-0c77',
  webhookPath: 'sekritWebhookPathB44F',
};

describe('secrets never reach the logs', () => {
  let fake: FakeMastodon;
  let slack: FakeSlack;
  let output = '';
  let port = 0;
  let child: ReturnType<typeof spawn>;

  beforeAll(async () => {
    fake = await FakeMastodon.start({ token: SECRETS.mastodon });
    slack = await new FakeSlack().start();
    port = await freePort();
    const prefix = testPrefix();
    const config = baseConfig(prefix, {
      sources: [
        {
          id: 'masto',
          kind: 'mastodon',
          brand: 'acme',
          interval: '1s',
          stream: false,
          options: { instance: fake.url, token: SECRETS.mastodon },
        },
      ],
      chat: [
        {
          id: 'slack',
          kind: 'slack',
          webhookUrl: `${slack.url.replace('fakesecret', SECRETS.webhookPath)}`,
          signingSecret: SECRETS.signing,
        },
      ],
      users: [{ name: 'approver', role: 'approver', token: SECRETS.approver }],
      api: { host: '127.0.0.1', port },
      log: { level: 'trace' },
    });
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'earshot-seclog-')), 'earshot.yaml');
    writeFileSync(file, JSON.stringify(config));
    child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start', '--config', file], {
      env: { ...process.env, REDIS_URL: inject('redisUrl'), DATABASE_URL: await testDatabaseUrl(prefix) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await fake.close();
    await slack.close();
  });

  it('runs a whole loop at trace level, then the output holds no secret', async () => {
    fake.addMention(
      fake.status({
        text: '@AcmeAir you lost my bag and nobody answers, my lawyer will call you!!!',
        acct: 'x@social.example',
        followers: 90_000,
      }),
    );
    await slack.waitFor(1, 30_000);
    const api = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${SECRETS.approver}` };
    // Workers start before the API listens, so the alert can arrive first on a busy machine.
    await waitFor(
      'the API',
      () =>
        fetch(`${api}/healthz`).then(
          (r) => r.ok || undefined,
          () => undefined,
        ),
      20_000,
    );
    const inbox = (await (await fetch(`${api}/api/inbox`, { headers: auth })).json()) as {
      items: Array<{ item: { id: string; draftVersion: number } }>;
    };
    const item = inbox.items[0]?.item;
    if (!item) throw new Error('no inbox item');
    const res = await fetch(`${api}/api/items/${item.id}/approve`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ draftVersion: item.draftVersion, acknowledgeWarnings: true }),
    });
    expect(res.status).toBe(200);
    await waitFor('the reply', () => fake.replies.length === 1 || undefined, 20_000);
    // Failures log request details too: a rejected token and a 500 from the platform.
    await fetch(`${api}/api/inbox`, { headers: { authorization: 'Bearer wrong-token-but-long' } });
    expect(output.length).toBeGreaterThan(1000);
    for (const [name, secret] of Object.entries(SECRETS)) expect(output.includes(secret), `${name} leaked into the logs`).toBe(false);
  });
});
