import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/admin/password.js';
import { buildServer } from '../src/api/server.js';
import { toMention } from '../src/mention.js';
import { acceptBatch } from '../src/listen/poll.js';
import { readAudit } from '../src/store/audit.js';
import { getItem } from '../src/store/inbox.js';
import { testApp, testPrefix, TOKENS, type TestApp } from './helpers/app.js';
import { waitFor } from './helpers/wait.js';
import { startAllWorkers } from './helpers/workers.js';

const PASSWORD = 'a-long-enough-password';
const prefix = testPrefix();
/** Two processes on one Redis and one database: `api` takes the admin's requests, `worker` runs the pipeline. */
let api: TestApp;
let worker: TestApp;
let server: FastifyInstance;
let workers: { close(): Promise<void> };

const admin = { authorization: `Bearer ${TOKENS.admin}` };

async function open(app: TestApp): Promise<void> {
  await app.ctx.directory.open(
    { db: app.ctx.db, redis: app.ctx.redis, channel: app.ctx.keys.directory, log: app.ctx.log },
    { follow: true },
  );
}

beforeAll(async () => {
  const passwordHash = await hashPassword(PASSWORD);
  const overrides = {
    users: [
      ...Object.entries(TOKENS).map(([role, token]) => ({ name: role, role, token })),
      { name: 'ana', role: 'approver', passwordHash },
    ],
  };
  api = await testApp(overrides, prefix);
  worker = await testApp(overrides, prefix);
  await open(api);
  await open(worker);
  server = await buildServer(api.ctx);
  workers = startAllWorkers(worker.ctx);
});

afterAll(async () => {
  await workers?.close();
  await server?.close();
  for (const app of [api, worker]) {
    await app?.ctx.directory.close();
    await app?.close();
  }
});

async function signIn(name: string, password = PASSWORD) {
  const res = await server.inject({ method: 'POST', url: '/api/session', payload: { name, password } });
  return {
    status: res.statusCode,
    cookie: String(res.headers['set-cookie']).split(';')[0] as string,
    csrf: res.json().csrfToken as string,
  };
}

function post(id: string, text: string) {
  const built = toMention({
    platform: 'mastodon',
    sourceId: 'src',
    brandId: 'acme',
    nativeId: id,
    url: null,
    text,
    lang: 'en',
    createdAt: new Date().toISOString(),
    author: { id: `a-${id}`, handle: `person${id}`, name: 'Person', followers: 10, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: {},
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

describe('users from the admin API', () => {
  it('adds a user who can sign in at once, and audits it without the hash', async () => {
    const res = await server.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: admin,
      payload: { name: 'nia', role: 'responder', password: PASSWORD },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().user).toMatchObject({
      name: 'nia',
      role: 'responder',
      password: true,
      token: false,
      disabled: false,
      managedBy: 'admin',
    });
    expect(JSON.stringify(res.json())).not.toContain('scrypt');
    const session = await signIn('nia');
    expect(session.status).toBe(200);
    const audit = await readAudit(api.ctx.db, { action: 'user.added' });
    expect(audit[0]).toMatchObject({ actor: 'admin', detail: { user: 'nia', role: 'responder', password: true } });
    expect(JSON.stringify(audit)).not.toContain('scrypt');
  });

  it('refuses non-admins, duplicate names and short passwords with the reason', async () => {
    const viewer = await server.inject({ method: 'GET', url: '/api/admin/users', headers: { authorization: `Bearer ${TOKENS.approver}` } });
    expect(viewer.statusCode).toBe(403);
    const dup = await server.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: admin,
      payload: { name: 'ana', role: 'viewer', password: PASSWORD },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().message).toContain('exists already');
    const short = await server.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: admin,
      payload: { name: 'bo', role: 'viewer', password: 'short' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().message).toContain('at least 12');
  });

  it('a new token is shown once and works on the other process too', async () => {
    const res = await server.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: admin,
      payload: { name: 'bot', role: 'viewer', token: true },
    });
    const token = res.json().token as string;
    expect(token).toMatch(/^es_/);
    const list = await server.inject({ method: 'GET', url: '/api/admin/users', headers: admin });
    expect(JSON.stringify(list.json())).not.toContain(token);
    await waitFor('the worker process to hear of the new user', () => worker.ctx.directory.userByToken(token) ?? undefined, 5_000);
  });

  it('disabling ends sessions and tokens; a reset password ends the old sessions', async () => {
    const ana = await signIn('ana');
    const me = () => server.inject({ method: 'GET', url: '/api/me', headers: { cookie: ana.cookie } });
    expect((await me()).statusCode).toBe(200);
    const off = await server.inject({ method: 'PATCH', url: '/api/admin/users/ana', headers: admin, payload: { disabled: true } });
    expect(off.json()).toMatchObject({ user: { disabled: true }, sessionsEnded: 1 });
    expect((await me()).statusCode).toBe(401);
    expect((await signIn('ana')).status).toBe(401);
    await server.inject({
      method: 'PATCH',
      url: '/api/admin/users/ana',
      headers: admin,
      payload: { disabled: false, password: 'a-brand-new-password' },
    });
    expect((await signIn('ana')).status).toBe(401);
    const again = await signIn('ana', 'a-brand-new-password');
    expect(again.status).toBe(200);
    const reset = await server.inject({
      method: 'PATCH',
      url: '/api/admin/users/ana',
      headers: admin,
      payload: { password: 'yet-another-password' },
    });
    expect(reset.json().sessionsEnded).toBe(1);
    expect((await server.inject({ method: 'GET', url: '/api/me', headers: { cookie: again.cookie } })).statusCode).toBe(401);
  });

  it('a role change applies to a live session at once', async () => {
    const nia = await signIn('nia');
    await server.inject({ method: 'PATCH', url: '/api/admin/users/nia', headers: admin, payload: { role: 'viewer' } });
    const me = await server.inject({ method: 'GET', url: '/api/me', headers: { cookie: nia.cookie } });
    expect(me.json()).toEqual({ name: 'nia', role: 'viewer' });
    const audit = await readAudit(api.ctx.db, { action: 'user.changed' });
    expect(audit[0]?.detail).toMatchObject({ user: 'nia', changes: { role: { from: 'responder', to: 'viewer' } } });
  });

  it('ends every session of a user on request', async () => {
    await server.inject({ method: 'PATCH', url: '/api/admin/users/nia', headers: admin, payload: { role: 'responder' } });
    await server.inject({ method: 'POST', url: '/api/admin/users/nia/end-sessions', headers: admin });
    const a = await signIn('nia');
    const b = await signIn('nia');
    const res = await server.inject({ method: 'POST', url: '/api/admin/users/nia/end-sessions', headers: admin });
    expect(res.json()).toEqual({ sessionsEnded: 2 });
    for (const s of [a, b])
      expect((await server.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('will not disable or demote the last admin', async () => {
    const self = await server.inject({ method: 'PATCH', url: '/api/admin/users/admin', headers: admin, payload: { role: 'viewer' } });
    expect(self.statusCode).toBe(422);
    expect(self.json().message).toContain('yourself');
    await server.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: admin,
      payload: { name: 'boss', role: 'approver', token: true },
    });
    const other = await server.inject({
      method: 'PATCH',
      url: '/api/admin/users/admin',
      headers: { authorization: `Bearer ${TOKENS.admin}` },
      payload: { disabled: true },
    });
    expect(other.statusCode).toBe(422);
  });
});

describe('brands without a restart', () => {
  it('a post naming a brand added on the API process is routed to it by the running workers', async () => {
    const res = await server.inject({
      method: 'POST',
      url: '/api/admin/brands',
      headers: admin,
      payload: { id: 'zephyr', name: 'Zephyr Rail', keywords: ['zephyr rail'], handles: ['@ZephyrRail'], hashtags: [] },
    });
    expect(res.statusCode).toBe(201);
    const version = api.ctx.directory.version;
    await waitFor('the worker process to load the new brand', () => worker.ctx.directory.version >= version, 5_000);
    const m = post('z1', '@ZephyrRail my train was cancelled and nobody at the station can tell me anything. Furious!');
    await acceptBatch(worker.ctx, 'src', { mentions: [m], rejected: [], cursor: null });
    const item = await waitFor('the post to be routed', () => getItem(worker.ctx.db, m.id).then((i) => i ?? undefined));
    expect(item.brandId).toBe('zephyr');
    expect(item.draft).toContain('Zephyr Rail');
  });

  it('edited keywords apply to the next post', async () => {
    const res = await server.inject({
      method: 'PATCH',
      url: '/api/admin/brands/zephyr',
      headers: admin,
      payload: { keywords: ['zephyr rail', 'zephyrtrain'] },
    });
    expect(res.json().brand.keywords).toEqual(['zephyr rail', 'zephyrtrain']);
    const version = api.ctx.directory.version;
    await waitFor('the worker process to load the edit', () => worker.ctx.directory.version >= version, 5_000);
    const m = post('z2', 'zephyrtrain lost my suitcase again and the refund form is broken, this is awful');
    await acceptBatch(worker.ctx, 'src', { mentions: [m], rejected: [], cursor: null });
    const item = await waitFor('the post to be routed', () => getItem(worker.ctx.db, m.id).then((i) => i ?? undefined));
    expect(item.brandId).toBe('zephyr');
    const audit = await readAudit(api.ctx.db, { action: 'brand.changed' });
    expect(audit[0]?.detail).toMatchObject({
      brand: 'zephyr',
      changes: { keywords: { from: ['zephyr rail'], to: ['zephyr rail', 'zephyrtrain'] } },
    });
  });

  it('a post naming its own source brand stays with it', async () => {
    const m = post('z3', '@AcmeAir and @ZephyrRail both lost my bags today, unbelievable and awful');
    await acceptBatch(worker.ctx, 'src', { mentions: [m], rejected: [], cursor: null });
    const item = await waitFor('the post to be routed', () => getItem(worker.ctx.db, m.id).then((i) => i ?? undefined));
    expect(item.brandId).toBe('acme');
  });
});

describe('seeding from the config file', () => {
  it('adds what is missing, follows the file for its own rows, keeps what an admin changed, disables what left the file', async () => {
    const users = [
      { name: 'admin', role: 'admin', token: TOKENS.admin },
      // The file now says viewer for "approver" (config-managed: follows) and "nia" (admin-managed: kept).
      { name: 'approver', role: 'viewer', token: TOKENS.approver },
      { name: 'nia', role: 'viewer', token: 'nia-token-0123456789' },
      { name: 'newcomer', role: 'viewer', token: 'newcomer-token-0123456' },
    ];
    const later = await testApp({ users, brands: [{ id: 'acme', name: 'Acme Airways', keywords: ['acme air'] }] }, prefix);
    try {
      const report = await later.ctx.directory.open(
        { db: later.ctx.db, redis: later.ctx.redis, channel: later.ctx.keys.directory, log: later.ctx.log },
        { follow: false },
      );
      expect(report.added.users).toEqual(['newcomer']);
      expect(report.updated).toEqual({ users: ['approver'], brands: ['acme'] });
      expect(report.kept.users).toEqual(['nia']);
      expect(report.disabled.sort()).toEqual(['responder', 'viewer']);
      expect(later.ctx.directory.user('approver')?.role).toBe('viewer');
      expect(later.ctx.directory.user('nia')?.role).toBe('responder');
      expect(later.ctx.directory.user('viewer')).toBeUndefined();
      expect(later.ctx.directory.brand('zephyr')?.name).toBe('Zephyr Rail');
      await waitFor('the API process to hear of the seeding', () => api.ctx.directory.user('viewer') === undefined || undefined);
    } finally {
      await later.ctx.directory.close();
      await later.close();
    }
  });
});
