import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { pollSource } from '../src/listen/poll.js';
import { readAudit } from '../src/store/audit.js';
import { readSourceState } from '../src/store/sources.js';
import { FakeMastodon } from './fakes/mastodon.js';
import { baseConfig, testApp, TOKENS, type TestApp } from './helpers/app.js';
import { nth, present } from './helpers/present.js';

let up: FakeMastodon;
let down: FakeMastodon;
/** Its own instance: a 429 pauses every source sharing the credential, as it should. */
let busy: FakeMastodon;
let app: TestApp;
let server: FastifyInstance;
let sources: Array<Record<string, unknown>>;

interface Health {
  state: string;
  label: string;
  summary: string;
  problem: boolean;
  errorStreak: number;
  renew: { paths: string[]; env: string[]; text: string } | null;
}
interface SourceRow {
  id: string;
  health: Health;
  state: Record<string, unknown>;
}

async function listed(
  role: keyof typeof TOKENS = 'viewer',
): Promise<{ sources: SourceRow[]; problems: Array<{ id: string; state: string }> }> {
  const res = await server.inject({ method: 'GET', url: '/api/sources', headers: { authorization: `Bearer ${TOKENS[role]}` } });
  expect(res.statusCode).toBe(200);
  return res.json();
}

const health = async (id: string) => present((await listed()).sources.find((s) => s.id === id));

beforeAll(async () => {
  up = await FakeMastodon.start({ token: 'fake-token' });
  down = await FakeMastodon.start({ token: 'fake-token' });
  busy = await FakeMastodon.start({ token: 'fake-token' });
  const source = (id: string, instance: string, token: string) => ({
    id,
    kind: 'mastodon',
    brand: 'acme',
    interval: '1h',
    stream: false,
    options: { instance, token },
  });
  sources = [
    source('good', up.url, '${GOOD_TOKEN:-fake-token}'),
    // The fake only takes 'fake-token': this one answers 401, as an expired token would.
    source('expired', up.url, '${EXPIRED_TOKEN:-expired-token}'),
    source('broken', down.url, 'fake-token'),
    source('limited', busy.url, 'fake-token'),
    { ...source('off', up.url, 'fake-token'), enabled: false },
  ];
  app = await testApp({ sources });
  server = await buildServer(app.ctx);
  for (let i = 0; i < 3; i++) up.addMention(up.status({ text: `@AcmeAir where is my bag ${i}?`, acct: `traveller${i}@social.example` }));
});

afterAll(async () => {
  await server?.close();
  await app?.close();
  await Promise.all([up?.close(), down?.close(), busy?.close()]);
});

describe('source health states', () => {
  it('a source that fails every poll is "failing", not healthy, and is listed as a problem', async () => {
    down.failNext(502, '<html>bad gateway from the upstream at http://10.0.0.7/?token=abc</html>', { times: 50 });
    for (let i = 0; i < 4; i++) await pollSource(app.ctx, 'broken').catch(() => undefined);
    const { sources: rows, problems } = await listed();
    const broken = present(rows.find((s) => s.id === 'broken'));
    expect(broken.health).toMatchObject({ state: 'failing', label: 'Failing', problem: true, errorStreak: 4 });
    expect(broken.health.summary).toContain('The last 4 polls failed: platform temporarily failing (HTTP 502)');
    expect(broken.state).toMatchObject({ healthy: false, running: true, errorStreak: 4 });
    // Earshot's words only: the platform's page (and what it quotes) stays out of a viewer's answer.
    expect(JSON.stringify(broken)).not.toContain('10.0.0.7');
    expect(problems).toContainEqual(expect.objectContaining({ id: 'broken', state: 'failing' }));
    expect(problems.map((p) => p.id)).not.toContain('off');
  });

  it('one failed poll is "degraded", and a success makes the source ok again', async () => {
    up.failNext(503, { error: 'Service unavailable' }, { path: '/api/v1/notifications' });
    await pollSource(app.ctx, 'good').catch(() => undefined);
    expect((await health('good')).health).toMatchObject({ state: 'degraded', problem: false, errorStreak: 1 });
    expect(await pollSource(app.ctx, 'good')).toMatchObject({ status: 'ok' });
    expect((await health('good')).health).toMatchObject({ state: 'ok', problem: false, errorStreak: 0 });
    expect((await health('good')).state).toMatchObject({ healthy: true });
  });

  it('a rejected token stops the source and says which config path and variable to renew', async () => {
    expect(await pollSource(app.ctx, 'expired')).toMatchObject({ status: 'skipped' });
    const { health: h } = await health('expired');
    expect(h).toMatchObject({ state: 'needs_credentials', label: 'Needs new credentials', problem: true });
    expect(h.renew).toMatchObject({ paths: ['sources[1].options.token'], env: ['EXPIRED_TOKEN'] });
    expect(h.summary).toMatch(/credentials rejected \(HTTP 401\).*Renew sources\[1\]\.options\.token \(read from \$EXPIRED_TOKEN\)/);
    expect(JSON.stringify(h)).not.toContain('expired-token');
  });

  it('a rate-limit pause reads "paused by rate limit" with the time it ends', async () => {
    const reset = new Date(Date.now() + 10 * 60_000);
    busy.rateLimitNext(1, { reset });
    await pollSource(app.ctx, 'limited');
    const { health: h } = await health('limited');
    expect(h).toMatchObject({ state: 'rate_limited', label: 'Paused by rate limit', problem: false });
    expect(h.summary).toContain(reset.toISOString().slice(0, 16));
  });

  it('a source switched off in the config is stopped but not a problem', async () => {
    expect((await health('off')).health).toMatchObject({ state: 'stopped', problem: false });
    expect((await health('off')).health.summary).toContain('sources[4].enabled: false');
  });
});

describe('test connection', () => {
  const test = (id: string, role: keyof typeof TOKENS = 'admin') =>
    server.inject({ method: 'POST', url: `/api/sources/${id}/test`, headers: { authorization: `Bearer ${TOKENS[role]}` } });
  const mentions = async () => nth((await app.ctx.db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM mentions')).rows, 0).n;

  it('fetches once through the connector, stores nothing and moves no cursor', async () => {
    const [before, state] = [await mentions(), await readSourceState(app.ctx.db, 'limited')];
    up.addMention(up.status({ text: '@AcmeAir one more?' }));
    const res = await test('good');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      ok: true,
      sourceId: 'good',
      fetched: 4,
      message: expect.stringMatching(/^ok: 4 posts read .*nothing stored/),
    });
    expect(await mentions()).toBe(before);
    expect(await readSourceState(app.ctx.db, 'limited')).toEqual(state);
    const [entry] = await readAudit(app.ctx.db, { action: 'source.tested', limit: 1 });
    expect(entry).toMatchObject({ actor: 'admin', detail: { source: 'good', ok: true, fetched: 4 } });
  });

  it('answers the redacted error for a rejected token, without counting it as a failed poll', async () => {
    const streak = (await readSourceState(app.ctx.db, 'expired')).errorStreak;
    const res = await test('expired');
    expect(res.json()).toMatchObject({ ok: false, error: expect.stringContaining('credentials rejected (HTTP 401)') });
    expect(res.body).not.toContain('expired-token');
    expect((await readSourceState(app.ctx.db, 'expired')).errorStreak).toBe(streak);
  });

  it('is for admins only, and names an unknown source', async () => {
    expect((await test('good', 'approver')).statusCode).toBe(403);
    const unknown = await test('nope');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toMatch(/no source "nope".*good, expired/);
  });

  it('earshot sources test <id> prints one line and exits 0 or 1', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-srctest-'));
    const file = path.join(dir, 'earshot.yaml');
    writeFileSync(file, JSON.stringify(baseConfig(app.config.redis.prefix, { sources, log: { level: 'silent' } })));
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sources', ...args, '--config', file], {
          env: { ...process.env, REDIS_URL: app.redisUrl, DATABASE_URL: app.databaseUrl },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.once('exit', (code) => resolve({ code, out, err }));
      });
    const [good, expired, listing] = await Promise.all([run('test', 'good'), run('test', 'expired'), run()]);
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/^good: ok: \d+ posts? read in \d+ ms \(nothing stored\)\n$/);
    expect(expired.code).toBe(1);
    expect(expired.out).toMatch(/^expired: failed: credentials rejected \(HTTP 401\)[^\n]*\n$/);
    expect(expired.out).not.toContain('expired-token');
    // `earshot sources` prints the same derived state as the page, one line per source.
    expect(listing.code).toBe(0);
    const lines = listing.out.trim().split('\n');
    expect(lines.find((l) => l.startsWith('broken '))).toMatch(
      /^broken \(mastodon, every 3600s\): FAILING: The last 4 polls failed: platform temporarily failing \(HTTP 502\)/,
    );
    expect(lines.find((l) => l.startsWith('expired '))).toMatch(
      /NEEDS_CREDENTIALS: .*Renew sources\[1\]\.options\.token \(read from \$EXPIRED_TOKEN\)/,
    );
    expect(lines.find((l) => l.startsWith('off '))).toMatch(/: STOPPED: Turned off in the config/);
  }, 60_000);
});
