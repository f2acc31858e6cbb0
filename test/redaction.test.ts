import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { ConfigError } from '../src/config/load.js';
import { configFromObject } from '../src/app/config.js';
import { redactText, redactUrl } from '../src/http/redact.js';
import { createLogger } from '../src/log.js';
import { checkSourceHealth } from '../src/listen/health.js';
import { alertSourceProblem } from '../src/alerts/source-alerts.js';
import { recordPollFailure } from '../src/store/sources.js';
import { baseConfig, testApp, testPrefix, TOKENS, type TestApp } from './helpers/app.js';

const run = promisify(execFile);

// Each credential is distinctive, so finding it anywhere in an output is a leak.
const FEED = 'https://feeds.example/private.rss?token=feedtok-93ac1d&lang=en';
const YOUTUBE = 'https://www.googleapis.com/youtube/v3/search?part=snippet&key=AIzaYoutubeKey-77f1e2&q=acme';
const SLACK = 'https://hooks.slack.com/services/T0SECRET1/B0SECRET2/hookSecretPart4a9f';
const USERINFO = 'https://feeduser:feedpass-5d21@feeds.example/rss';
const DISCORD = 'https://discord.com/api/webhooks/123456/discordSecretTok-88';
const SECRETS = [
  'feedtok-93ac1d',
  'AIzaYoutubeKey-77f1e2',
  'T0SECRET1',
  'B0SECRET2',
  'hookSecretPart4a9f',
  'feedpass-5d21',
  'feeduser',
  'discordSecretTok-88',
];
const MESSAGE = `GET ${FEED} failed; also tried ${YOUTUBE}, reported to ${SLACK} (${USERINFO}) and ${DISCORD}.`;

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${secret} in ${where}: ${text}`).toBe(false);
}

describe('redaction: the one function', () => {
  it('hides secret-like query values, webhook paths and userinfo, and keeps the rest readable', () => {
    expect(redactUrl(FEED)).toBe('https://feeds.example/private.rss?token=[redacted]&lang=en');
    expect(redactUrl(YOUTUBE)).toBe('https://www.googleapis.com/youtube/v3/search?part=snippet&key=[redacted]&q=acme');
    expect(redactUrl(SLACK)).toBe('https://hooks.slack.com/services/[redacted]');
    expect(redactUrl(USERINFO)).toBe('https://[redacted]:[redacted]@feeds.example/rss');
    expect(redactUrl(DISCORD)).toBe('https://discord.com/api/webhooks/[redacted]');
    expect(redactUrl('https://mastodon.social/api/v1/notifications?limit=40')).toBe(
      'https://mastodon.social/api/v1/notifications?limit=40',
    );
    // Not a valid URL (bad host), but its password must still not show.
    expect(redactUrl('redis://:redisPass-61@[redis.internal:6379')).toBe('redis://[redacted]@[redis.internal:6379');
  });

  it('finds URLs and token assignments inside free text', () => {
    const out = redactText(`${MESSAGE} Authorization: Bearer abcdefghijkl123 api_key=plainKey-123`);
    expectNoSecret(out, 'redactText');
    expect(out).not.toMatch(/abcdefghijkl123|plainKey-123/);
    expect(out).toMatch(/^GET https:\/\/feeds\.example\/private\.rss\?token=\[redacted\]&lang=en failed/);
  });
});

describe('redaction: everywhere a source problem is printed or served', () => {
  let app: TestApp;
  let server: FastifyInstance;

  beforeAll(async () => {
    app = await testApp({
      sources: [{ id: 'feed', kind: 'rss', brand: 'acme', quietAfter: '1h', options: { url: 'http://127.0.0.1:9/rss.xml' } }],
      chat: [{ id: 'slack', kind: 'slack', webhookUrl: 'http://127.0.0.1:9/services/x' }],
    });
    server = await buildServer(app.ctx);
  });

  afterAll(async () => {
    await server?.close();
    await app?.close();
  });

  it('GET /api/sources (viewer and admin) shows no credential from a stored error', async () => {
    for (let i = 0; i < 5; i++) await recordPollFailure(app.ctx.db, 'feed', { error: MESSAGE });
    for (const role of ['viewer', 'admin'] as const) {
      const res = await server.inject({ method: 'GET', url: '/api/sources', headers: { authorization: `Bearer ${TOKENS[role]}` } });
      expect(res.statusCode).toBe(200);
      expectNoSecret(res.body, `GET /api/sources as ${role}`);
      expect(res.body).toMatch(/token=\[redacted\]/);
    }
  });

  it('source alerts reach chat redacted', async () => {
    await alertSourceProblem(app.ctx, 'feed', `Source "feed" stopped: ${MESSAGE}`, 'redaction-test');
    await checkSourceHealth(app.ctx);
    const jobs = await app.ctx.queues.alert.getJobs(['waiting', 'delayed', 'prioritized']);
    const problems = jobs.filter((j) => j.data.kind === 'source').map((j) => String(j.data.problem));
    expect(problems.length).toBeGreaterThanOrEqual(2);
    for (const p of problems) expectNoSecret(p, 'a source alert');
  });

  it('`earshot sources` prints no credential', async () => {
    const prefix = testPrefix();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-redact-'));
    const file = path.join(dir, 'earshot.yaml');
    writeFileSync(
      file,
      JSON.stringify(
        baseConfig(prefix, { sources: [{ id: 'feed', kind: 'rss', brand: 'acme', options: { url: 'http://127.0.0.1:9/rss.xml' } }] }),
      ),
    );
    const other = await testApp(
      { sources: [{ id: 'feed', kind: 'rss', brand: 'acme', options: { url: 'http://127.0.0.1:9/rss.xml' } }] },
      prefix,
    );
    try {
      await recordPollFailure(other.ctx.db, 'feed', { error: MESSAGE, detail: MESSAGE });
      const out = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sources', '--config', file], {
        env: { ...process.env, REDIS_URL: inject('redisUrl'), DATABASE_URL: other.databaseUrl },
      });
      expect(out.stdout).toMatch(/^feed \(rss/);
      expectNoSecret(out.stdout + out.stderr, '`earshot sources`');
    } finally {
      await other.close();
    }
  });
});

describe('redaction: logs and config errors', () => {
  it('log lines carry no credential, in fields, messages or errors, at debug level', () => {
    let written = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        written += chunk.toString();
        done();
      },
    });
    const log = createLogger({ level: 'debug', pretty: false }, sink);
    log.debug({ url: FEED, to: SLACK, nested: { feeds: [USERINFO, YOUTUBE] } }, 'polling');
    log.debug(`posting to ${DISCORD}`);
    log.warn({ err: new Error(MESSAGE) }, 'poll failed');
    expect(written.split('\n').filter(Boolean)).toHaveLength(3);
    expectNoSecret(written, 'the log');
  });

  it('check-config problems quote URLs redacted', () => {
    const problemsOf = (overrides: Record<string, unknown>): ConfigError => {
      try {
        configFromObject(baseConfig('p', overrides), {}, 'earshot.yaml');
      } catch (err) {
        if (err instanceof ConfigError) return err;
        throw err;
      }
      throw new Error('the config was accepted');
    };
    const sources = problemsOf({
      sources: [
        { id: 'feed', kind: 'rss', brand: 'acme', options: { url: FEED.replace('https:', 'http:') } },
        { id: 'yt', kind: 'rss', brand: 'acme', options: { url: YOUTUBE.replace('https:', 'gopher:') } },
        { id: 'auth', kind: 'rss', brand: 'acme', options: { url: USERINFO.replace('https:', 'http:') } },
      ],
    });
    const chat = problemsOf({
      chat: [
        { id: 'slack', kind: 'slack', webhookUrl: SLACK.replace('https:', 'http:') },
        { id: 'd', kind: 'discord', webhookUrl: DISCORD.replace('https:', 'ftp:') },
      ],
    });
    expect(sources.problems).toHaveLength(3);
    expect(chat.problems).toHaveLength(2);
    for (const error of [sources, chat]) {
      expectNoSecret(error.problems.join('\n'), 'config problems');
      expectNoSecret(error.message, 'the ConfigError message');
    }
  });
});
