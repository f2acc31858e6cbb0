import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/jobs/queues.js';
import { idempotencyKey } from '../src/publish/publish.js';
import { listDeadLetters } from '../src/store/dead-letter.js';
import { getItem, getItems, listItemIds, type InboxItem } from '../src/store/inbox.js';
import { buildServer } from '../src/api/server.js';
import { FakeMastodon } from './fakes/mastodon.js';
import { FakeSlack } from './fakes/slack.js';
import { baseConfig, testApp, testPrefix, TOKENS, type TestApp } from './helpers/app.js';
import { waitFor } from './helpers/wait.js';

/** A real `earshot start --role workers` process, as ops would run it next to others. */
function startWorkerProcess(configFile: string, redisUrl: string, databaseUrl: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start', '--role', 'workers', '--config', configFile], {
    env: { ...process.env, REDIS_URL: redisUrl, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  child.on('exit', (code, signal) => {
    if (code && code !== 0) process.stderr.write(`worker process exited ${code} ${signal}:\n${output}\n`);
  });
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('end to end: Mastodon complaint → Slack alert → approve → exactly one reply', () => {
  const prefix = testPrefix();
  let fake: FakeMastodon;
  let slack: FakeSlack;
  let app: TestApp;
  let configFile: string;
  let worker: ChildProcess | null = null;
  let complaintStatusId = '';

  beforeAll(async () => {
    fake = await FakeMastodon.start({ token: 'fake-token' });
    slack = await new FakeSlack().start();
    const overrides = {
      sources: [
        {
          id: 'masto',
          kind: 'mastodon',
          brand: 'acme',
          interval: '1h',
          options: { instance: fake.url, token: 'fake-token', mentions: true, hashtags: ['acmeair'] },
        },
      ],
      chat: [{ id: 'slack', kind: 'slack', webhookUrl: slack.url }],
      log: { level: 'info' },
    };
    app = await testApp(overrides, prefix);
    configFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'earshot-e2e-')), 'earshot.yaml');
    // JSON is YAML: the worker process reads the very config the test app uses.
    writeFileSync(configFile, JSON.stringify(baseConfig(prefix, overrides)));
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await app.close();
    await fake.close();
    await slack.close();
  });

  it('alerts Slack about the complaint and dead-letters the malformed status', async () => {
    const complaint = fake.status({
      text: '@AcmeAir you lost my bag three days ago, nobody answers the phone, still waiting. Talking to my lawyer tomorrow!!!',
      acct: 'maria@social.example',
      displayName: 'Maria <b>Lopez</b>',
      followers: 48_000,
    });
    complaintStatusId = complaint.id;
    fake.addMention(complaint);
    fake.addTagPost('acmeair', fake.status({ text: 'Lovely crew on my #acmeair flight today, thank you!', acct: 'ben@social.example' }));
    fake.addTagPost('acmeair', fake.malformedStatus({ account: { followers_count: 'lots' } }));
    worker = startWorkerProcess(configFile, app.redisUrl, app.databaseUrl);
    await enqueue(app.ctx.queues, 'poll', { sourceId: 'masto' });

    const [alert] = await slack.waitFor(1, 30_000);
    const text = JSON.stringify(alert?.body.blocks);
    expect(text).toContain('lost my bag');
    expect(text).toContain('48k followers');
    expect(text).toMatch(/Urgent \(\d+\/100\)/);
    const dead = await listDeadLetters(app.ctx.redis, app.ctx.keys);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.reason).toMatch(/followers_count/);
    expect(dead[0]?.origin).toBe('source:masto');
  });

  it('posts the approved reply once, even when the worker dies after the platform got it', async () => {
    const item = await waitFor('urgent inbox item', async () => {
      const items = await getItems(app.ctx.db, await listItemIds(app.ctx.db, 50));
      return items.find((i: InboxItem) => i.priority === 'urgent');
    });
    expect(fake.replies).toHaveLength(0);
    const running = worker as ChildProcess;
    // The platform has the reply; the worker is killed before it hears back or completes the job.
    fake.onReply = () => void running.kill('SIGKILL');
    const server = await buildServer(app.ctx);
    const approve = (token: string) =>
      server.inject({
        method: 'POST',
        url: `/api/items/${item.id}/approve`,
        headers: { authorization: `Bearer ${token}` },
        payload: { draftVersion: item.draftVersion, acknowledgeWarnings: true },
      });
    expect((await approve(TOKENS.viewer)).statusCode).toBe(403);
    expect((await server.inject({ method: 'POST', url: `/api/items/${item.id}/approve`, payload: { draftVersion: 1 } })).statusCode).toBe(
      401,
    );
    expect((await approve(TOKENS.approver)).statusCode).toBe(200);

    await exited(running);
    expect(fake.replies).toHaveLength(1);
    expect((await getItem(app.ctx.db, item.id))?.status).toBe('publishing');

    fake.onReply = undefined;
    worker = startWorkerProcess(configFile, app.redisUrl, app.databaseUrl);
    const posted = await waitFor(
      'item posted after restart',
      async () => {
        const now = await getItem(app.ctx.db, item.id);
        return now?.status === 'posted' ? now : undefined;
      },
      30_000,
    );
    expect(fake.replies).toHaveLength(1);
    const reply = fake.replies[0];
    expect(posted.replyId).toBe(reply?.id);
    expect(reply?.inReplyToId).toBe(complaintStatusId);
    expect(reply?.status).toMatch(/^@maria@social\.example /);
    expect(reply?.idempotencyKey).toBe(idempotencyKey(item.id, item.draftVersion));
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses');
    expect(posts).toHaveLength(2);
    expect(new Set(posts.map((p) => p.headers['idempotency-key'])).size).toBe(1);
    await server.close();
  });

  it('drains on SIGTERM and exits cleanly', async () => {
    const running = worker as ChildProcess;
    running.kill('SIGTERM');
    expect(await exited(running)).toBe(0);
  });
});
