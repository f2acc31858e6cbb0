import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/admin/password.js';
import { buildServer } from '../src/api/server.js';
import { ItemStatuses } from '../src/store/inbox.js';
import { Categories } from '../src/triage-types.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';

const PASSWORD = 'correct horse battery staple';
let app: TestApp;
let server: FastifyInstance;

beforeAll(async () => {
  const passwordHash = await hashPassword(PASSWORD);
  app = await testApp({
    users: [
      { name: 'ana', role: 'approver', passwordHash },
      { name: 'vic', role: 'viewer', passwordHash, token: TOKENS.viewer },
      { name: 'short', role: 'responder', passwordHash },
    ],
    api: { sessions: { idle: 1500, absolute: 3000, maxLoginFailures: 3, loginWindow: '1m' } },
  });
  server = await buildServer(app.ctx);
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

async function login(name: string, password = PASSWORD, ip = '10.0.0.1') {
  return server.inject({ method: 'POST', url: '/api/session', payload: { name, password }, remoteAddress: ip });
}

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const header = String(res.headers['set-cookie']);
  return header.split(';')[0] as string;
}

describe('passwords', () => {
  it('hashes with scrypt in the documented format and verifies', async () => {
    const hash = await hashPassword('hunter2hunter2');
    expect(hash).toMatch(/^scrypt:32768:8:1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('hunter2hunter2', hash)).toBe(true);
    expect(await verifyPassword('hunter2hunter3', hash)).toBe(false);
    expect(await verifyPassword('x', 'scrypt:3:8:1:AAAA:AAAA')).toBe(false);
  });
});

describe('sign-in sessions', () => {
  it('sets an HttpOnly SameSite=Strict cookie and answers who is signed in', async () => {
    const res = await login('ana');
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^earshot_session=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toMatchObject({ name: 'ana', role: 'approver', csrfToken: expect.any(String) });
    const me = await server.inject({ method: 'GET', url: '/api/me', headers: { cookie: cookieOf(res) } });
    expect(me.json()).toEqual({ name: 'ana', role: 'approver' });
    // Redis holds a hash of the id, never the id itself.
    const id = cookieOf(res).split('=')[1] as string;
    expect(await app.ctx.redis.keys(`${app.config.redis.prefix}:session:*`)).not.toContain(`${app.config.redis.prefix}:session:${id}`);
  });

  it('refuses a wrong password and an unknown user with the same 401', async () => {
    const wrong = await login('vic', 'not the password', '10.0.0.2');
    const unknown = await login('nobody', PASSWORD, '10.0.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a state change without the CSRF token (403), accepts it with the token, and exempts bearer tokens', async () => {
    const res = await login('ana');
    const cookie = cookieOf(res);
    const csrf = res.json().csrfToken as string;
    const url = '/api/items/m_0123456789012345678901/reject';
    const none = await server.inject({ method: 'POST', url, headers: { cookie }, payload: { reason: 'spam' } });
    expect(none.statusCode).toBe(403);
    expect(none.json().message).toMatch(/x-csrf-token/);
    const wrong = await server.inject({
      method: 'POST',
      url,
      headers: { cookie, 'x-csrf-token': `${csrf.slice(0, -1)}x` },
      payload: { reason: 'spam' },
    });
    expect(wrong.statusCode).toBe(403);
    const right = await server.inject({ method: 'POST', url, headers: { cookie, 'x-csrf-token': csrf }, payload: { reason: 'spam' } });
    expect(right.statusCode).toBe(404); // past auth and CSRF: the item does not exist
    const bearer = await server.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${TOKENS.viewer}` },
      payload: { reason: 'spam' },
    });
    expect(bearer.statusCode).toBe(403); // a viewer: refused for the role, not for CSRF
    expect(bearer.json().message).toMatch(/responder/);
  });

  it('enforces roles for cookie sessions exactly as for tokens', async () => {
    const res = await login('vic');
    const headers = { cookie: cookieOf(res), 'x-csrf-token': res.json().csrfToken as string };
    const approve = await server.inject({
      method: 'POST',
      url: '/api/items/m_0123456789012345678901/approve',
      headers,
      payload: { draftVersion: 1 },
    });
    expect(approve.statusCode).toBe(403);
    expect((await server.inject({ method: 'GET', url: '/api/audit', headers })).statusCode).toBe(403);
  });

  it('signs out: the cookie is cleared and the session is gone', async () => {
    const res = await login('ana');
    const cookie = cookieOf(res);
    const out = await server.inject({ method: 'DELETE', url: '/api/session', headers: { cookie, 'x-csrf-token': res.json().csrfToken } });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/^earshot_session=; .*Max-Age=0/);
    expect((await server.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('expires an idle session, and an active one at the absolute limit', async () => {
    // The server judges both limits by ctx.now, so the test moves the clock instead of waiting.
    let now = Date.now();
    app.ctx.now = () => now;
    try {
      const me = async (cookie: string) => server.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
      const idle = cookieOf(await login('ana'));
      const active = cookieOf(await login('ana'));
      for (let i = 0; i < 4; i++) {
        now += 600;
        expect((await me(active)).statusCode).toBe(200);
      }
      // 2.4 s without a request against an idle limit of 1.5 s; the active one was seen 0.6 s ago.
      expect((await me(idle)).statusCode).toBe(401);
      now += 900; // 3.3 s after sign-in, past the absolute 3 s although it was just used
      const late = await me(active);
      expect(late.statusCode).toBe(401);
      expect(late.json().message).toMatch(/sign in again/);
    } finally {
      app.ctx.now = Date.now;
    }
  });

  it('rate-limits failed sign-ins per user and address with 429', async () => {
    for (let i = 0; i < 3; i++) expect((await login('short', 'wrong password', '10.0.0.9')).statusCode).toBe(401);
    const limited = await login('short', PASSWORD, '10.0.0.9');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address, or another user from the same address, is not locked out.
    expect((await login('short', PASSWORD, '10.0.0.10')).statusCode).toBe(200);
    expect((await login('ana', PASSWORD, '10.0.0.9')).statusCode).toBe(200);
  });
});

describe("the UI's vocabulary comes with the session", () => {
  it('lists what the role may do, as the server decides it, and the server refuses what is missing', async () => {
    const viewer = await login('vic');
    const responder = await login('short');
    const approver = await login('ana');
    expect(viewer.json().may).toEqual(['read']);
    expect(responder.json().may).toEqual(expect.arrayContaining(['read', 'assign', 'edit', 'reject', 'snooze', 'approve']));
    expect(responder.json().may).not.toContain('resend');
    expect(approver.json().may).toEqual(expect.arrayContaining(['approveRestricted', 'resend', 'audit']));
    expect(approver.json().may).not.toContain('admin');
    // The same answer on a reload (GET) as at sign-in (POST).
    const resumed = await server.inject({ method: 'GET', url: '/api/session', headers: { cookie: cookieOf(responder) } });
    expect(resumed.json().may).toEqual(responder.json().may);
    // A permission the list leaves out is refused by the route too.
    const audit = async (res: typeof viewer) =>
      (await server.inject({ method: 'GET', url: '/api/audit', headers: { cookie: cookieOf(res) } })).statusCode;
    expect(await audit(responder)).toBe(403);
    expect(await audit(approver)).toBe(200);
  });

  it('carries the item statuses and triage categories the UI shows', async () => {
    const body = (await login('ana')).json();
    expect(body.statuses.all).toEqual([...ItemStatuses]);
    expect(body.statuses.closed).toEqual(['posted', 'rejected', 'spam']);
    expect(body.statuses.answered).toEqual(['approved', 'publishing', 'posted']);
    expect(body.statuses.editable).not.toContain('awaiting_second');
    expect(body.statuses.actionable).toContain('awaiting_second');
    expect(body.categories).toEqual([...Categories]);
  });

  it('leaves no copy of those lists in the browser code', () => {
    const dir = path.join(import.meta.dirname, '../src/api/public');
    // Only the code: js/api-types/ is generated from the server's types, not a copy kept by hand.
    const files = [
      path.join(dir, 'app.js'),
      ...readdirSync(path.join(dir, 'js'))
        .filter((f) => f.endsWith('.js'))
        .map((f) => path.join(dir, 'js', f)),
    ];
    for (const file of files) {
      const js = readFileSync(file, 'utf8');
      // A category name as a string literal, or a table of roles' ranks, means a list kept twice.
      for (const c of Categories.filter((c) => !['praise', 'question', 'other'].includes(c)))
        expect(js, `${file} names ${c}`).not.toContain(`'${c}'`);
      expect(js, file).not.toMatch(/const (NEEDS|RANK|OPEN|CLOSED|ANSWERED|CATEGORIES)\b/);
    }
    // The page's selects are filled from the session too, not written out in the HTML.
    const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
    for (const s of ItemStatuses) expect(html, `index.html lists the status ${s}`).not.toContain(`value="${s}"`);
  });
});
