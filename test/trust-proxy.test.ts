import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/admin/password.js';
import { registerSessionRoutes } from '../src/api/routes-session.js';
import { buildServer } from '../src/api/server.js';
import { ConfigError } from '../src/config/load.js';
import { configFromObject } from '../src/app/config.js';
import { BACKOFF_MAX_MS, backoffMs } from '../src/store/login-throttle.js';
import { baseConfig, testApp, type TestApp } from './helpers/app.js';

const PASSWORD = 'through-the-proxy-2026';
/** The proxy runs on this host: every socket the API sees is loopback. */
const PROXY = '127.0.0.1';

let behind: TestApp;
let unconfigured: TestApp;
let server: FastifyInstance;
let plain: FastifyInstance;

beforeAll(async () => {
  const passwordHash = await hashPassword(PASSWORD);
  const users = [
    { name: 'ana', role: 'approver', passwordHash },
    { name: 'bo', role: 'responder', passwordHash },
    { name: 'cy', role: 'responder', passwordHash },
  ];
  behind = await testApp({ api: { trustProxy: PROXY }, users });
  unconfigured = await testApp({ users });
  server = await buildServer(behind.ctx);
  plain = await buildServer(unconfigured.ctx);
});

afterAll(async () => {
  await Promise.all([server?.close(), plain?.close()]);
  await Promise.all([behind?.close(), unconfigured?.close()]);
});

function viaProxy(app: FastifyInstance, method: 'GET' | 'POST', url: string, forwardedFor: string | null, payload?: object) {
  const headers: Record<string, string> = forwardedFor === null ? {} : { 'x-forwarded-for': forwardedFor };
  return app.inject({ method, url, remoteAddress: PROXY, headers, ...(payload ? { payload } : {}) });
}

const signIn = (app: FastifyInstance, name: string, password: string, client: string) =>
  viaProxy(app, 'POST', '/api/session', client, { name, password });

describe('/metrics behind a reverse proxy on the same host', () => {
  it('with api.trustProxy, the client address decides: a client outside is refused though the socket is loopback', async () => {
    expect((await viaProxy(server, 'GET', '/metrics', '203.0.113.9')).statusCode).toBe(403);
    expect((await viaProxy(server, 'GET', '/metrics', '2001:db8::7')).statusCode).toBe(403);
    // A client cannot pretend to be local: the proxy appends the address it saw.
    expect((await viaProxy(server, 'GET', '/metrics', '127.0.0.1, 203.0.113.9')).statusCode).toBe(403);
    expect((await viaProxy(server, 'GET', '/metrics', '127.0.0.1')).statusCode).toBe(200);
    expect((await viaProxy(server, 'GET', '/metrics', null)).statusCode).toBe(200);
  });

  it('an X-Forwarded-For from a socket that is not a trusted proxy is ignored', async () => {
    const res = await server.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '10.1.2.3',
      headers: { 'x-forwarded-for': '127.0.0.1' },
    });
    expect(res.statusCode).toBe(403);
  });

  it('without api.trustProxy, a forwarded request is not treated as local', async () => {
    expect((await viaProxy(plain, 'GET', '/metrics', '203.0.113.9')).statusCode).toBe(403);
    expect(
      (await plain.inject({ method: 'GET', url: '/metrics', remoteAddress: PROXY, headers: { forwarded: 'for=203.0.113.9' } })).statusCode,
    ).toBe(403);
    expect((await viaProxy(plain, 'GET', '/metrics', null)).statusCode).toBe(200);
  });
});

describe('a proxy nobody declared', () => {
  it('is named once in the log, with the setting that fixes it', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => void (lines.push(chunk.toString()), done()) });
    const watched = await buildServer({ ...unconfigured.ctx, log: pino({ level: 'warn' }, sink) });
    try {
      for (let i = 0; i < 3; i++) await viaProxy(watched, 'GET', '/healthz', `203.0.113.${i}`);
      await viaProxy(watched, 'GET', '/healthz', null);
      expect(lines.filter((l) => l.includes('api.trustProxy'))).toHaveLength(1);
    } finally {
      await watched.close();
    }
  });
});

describe('sign-in throttling behind a reverse proxy', () => {
  it('a guesser locks out only their own address: the real user signs in from elsewhere', async () => {
    const max = behind.config.api.sessions.maxLoginFailures;
    for (let i = 0; i < max; i++) expect((await signIn(server, 'ana', 'wrong password', '203.0.113.9')).statusCode).toBe(401);
    const locked = await signIn(server, 'ana', PASSWORD, '203.0.113.9');
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await signIn(server, 'ana', PASSWORD, '198.51.100.7')).statusCode).toBe(200);
  });

  it('counts failures in Redis: another API process sees the same lock', async () => {
    const max = behind.config.api.sessions.maxLoginFailures;
    for (let i = 0; i < max; i++) expect((await signIn(server, 'bo', 'wrong password', '203.0.113.20')).statusCode).toBe(401);
    const second = await buildServer(behind.ctx);
    try {
      expect((await signIn(second, 'bo', PASSWORD, '203.0.113.20')).statusCode).toBe(429);
    } finally {
      await second.close();
    }
    const names = await behind.ctx.redis.keys(`${behind.config.redis.prefix}:login*`);
    expect(names.some((k) => k.includes(':loginacct:'))).toBe(true);
    expect(names.every((k) => !k.includes('bo') && !k.includes('203.0.113'))).toBe(true);
  });

  it('sets the cookie Secure when the proxy says the client came over https', async () => {
    const res = await server.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: PROXY,
      headers: { 'x-forwarded-for': '198.51.100.8', 'x-forwarded-proto': 'https' },
      payload: { name: 'cy', password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toContain('Secure');
  });
});

describe('per-account back-off', () => {
  let app: TestApp;
  let bare: FastifyInstance;
  const waits: number[] = [];

  beforeAll(async () => {
    app = await testApp({
      api: { trustProxy: PROXY, sessions: { maxLoginFailures: 3 } },
      users: [{ name: 'dee', role: 'responder', passwordHash: await hashPassword(PASSWORD) }],
    });
    bare = Fastify({ trustProxy: app.config.api.trustProxy });
    await registerSessionRoutes(bare, app.ctx, { sleep: async (ms) => void waits.push(ms) });
  });

  afterAll(async () => {
    await bare?.close();
    await app?.close();
  });

  it('grows the wait with every failure from anywhere, never locks, and the right password still signs in', async () => {
    // A guesser rotating addresses never trips the per-address limit...
    for (let i = 0; i < 9; i++) expect((await signIn(bare, 'dee', 'wrong password', `203.0.113.${100 + i}`)).statusCode).toBe(401);
    // ...but the account slows every attempt down once its free failures are used up.
    expect(waits).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000]);
    const real = await signIn(bare, 'dee', PASSWORD, '198.51.100.30');
    expect(real.statusCode).toBe(200);
    expect(waits.at(-1)).toBe(BACKOFF_MAX_MS);
    // Signing in proves the person: the account starts afresh.
    waits.length = 0;
    expect((await signIn(bare, 'dee', 'wrong password', '203.0.113.200')).statusCode).toBe(401);
    expect(waits).toEqual([]);
  });

  it('backoffMs is free up to the limit, then doubles to a cap', () => {
    expect([0, 4].map((n) => backoffMs(n, 5))).toEqual([0, 0]);
    expect([5, 6, 7, 8, 9, 50, 10_000].map((n) => backoffMs(n, 5))).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
  });
});

describe('api.trustProxy in the config', () => {
  const problems = (trustProxy: unknown): string[] => {
    try {
      configFromObject(baseConfig('p', { api: { trustProxy } }), {}, 'earshot.yaml');
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  };

  it('takes one address, a list, CIDR ranges and named ranges', () => {
    for (const ok of ['127.0.0.1', ['10.0.0.0/8', '::1', 'fd00::/8'], ['loopback', '192.168.1.10']]) expect(problems(ok)).toEqual([]);
    expect(configFromObject(baseConfig('p', { api: { trustProxy: '127.0.0.1' } }), {}, 'earshot.yaml').api.trustProxy).toEqual([
      '127.0.0.1',
    ]);
  });

  it('refuses "trust everyone", host names and bad ranges, naming the field', () => {
    for (const bad of [true, 'proxy.example', '10.0.0.0/33', '127.0.0.1/', []]) {
      const found = problems(bad);
      expect(found.length, `accepted ${JSON.stringify(bad)}`).toBeGreaterThan(0);
      expect(found.join('\n')).toContain('api.trustProxy');
    }
  });
});
