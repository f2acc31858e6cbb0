import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../src/alerts/message.js';
import { deliver } from '../src/alerts/send.js';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../src/api/server.js';
import { OutboundRefusedError } from '../src/http/errors.js';
import { rssConnector } from '../src/connectors/rss/connector.js';
import { HttpClient } from '../src/http/client.js';
import type { Resolver } from '../src/http/policy.js';
import { pollSource } from '../src/listen/poll.js';
import { FakeFeed } from './fakes/rss.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { makeClient } from './helpers/connector.js';

/** A host inside the network that must never be read from outside: answers anything with its secret. */
class InternalHost {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly requests: IncomingHttpHeaders[],
  ) {}

  static async start(): Promise<InternalHost> {
    const requests: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      requests.push(req.headers);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ami-id: INTERNAL-SECRET-4242 role-credentials AKIAEXAMPLE');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new InternalHost(server, (server.address() as AddressInfo).port, requests);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A resolver stub: the names tests use, mapped to the addresses an attacker would pick. */
function stubResolver(table: Record<string, string[]>): Resolver {
  return async (host) => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`no such name ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => void (await Promise.all(cleanups.splice(0).map((c) => c()))));

async function feed(): Promise<FakeFeed> {
  const fake = await FakeFeed.start();
  cleanups.push(() => fake.close());
  return fake;
}

async function internal(): Promise<InternalHost> {
  const host = await InternalHost.start();
  cleanups.push(() => host.close());
  return host;
}

function client(options: ConstructorParameters<typeof HttpClient>[0] = { userAgent: 'earshot-test' }): HttpClient {
  const http = new HttpClient(options);
  cleanups.push(() => http.close());
  return http;
}

describe('outbound policy: the shared HTTP client', () => {
  const resolve = stubResolver({
    'internal.test': ['10.0.0.1'],
    'metadata.test': ['169.254.169.254'],
    'mixed.test': ['93.184.216.34', '10.1.2.3'],
    'mapped.test': ['::ffff:169.254.169.254'],
    'public.test': ['93.184.216.34'],
  });

  it('refuses a name that resolves to a private, mapped or metadata address, before connecting', async () => {
    const http = client({ userAgent: 'earshot-test', resolve });
    for (const url of [
      'https://internal.test/feed',
      'https://metadata.test/latest/meta-data/',
      'https://mixed.test/',
      'https://mapped.test/',
    ]) {
      const err = await http.send({ url }).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(OutboundRefusedError);
    }
    await expect(http.admit('https://public.test/')).resolves.toBe('public');
  });

  it('lets a source that opted in reach private addresses, never metadata', async () => {
    const http = client({ userAgent: 'earshot-test', resolve });
    await expect(http.withPrivateNetwork().admit('https://internal.test/feed')).resolves.toBe('public');
    await expect(http.withPrivateNetwork().admit('https://metadata.test/')).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(http.admit('https://internal.test/feed')).rejects.toBeInstanceOf(OutboundRefusedError);
  });

  it('chat webhooks go through the same policy', async () => {
    const http = client({ userAgent: 'earshot-test', resolve });
    const log = pino({ level: 'silent' });
    const alert = { kind: 'source' as const, sourceId: 'feed', problem: 'test', at: Date.now() } as unknown as Alert;
    for (const destination of [
      { id: 's', kind: 'slack' as const, webhookUrl: 'https://internal.test/services/T/B/x', allowPrivateNetwork: false },
      { id: 'd', kind: 'discord' as const, webhookUrl: 'https://metadata.test/api/webhooks/1/x', allowPrivateNetwork: true },
    ]) {
      await expect(deliver(destination, alert, { http, log }), destination.id).rejects.toBeInstanceOf(OutboundRefusedError);
    }
  });

  it('opens WebSockets (Bluesky Jetstream) under the same policy', async () => {
    const http = client({ userAgent: 'earshot-test', resolve });
    await expect(http.openWebSocket('wss://internal.test/subscribe')).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(http.openWebSocket('ws://public.test/subscribe')).rejects.toBeInstanceOf(OutboundRefusedError);
  });

  it('checks the address it connects to, not only the one it checked first (DNS rebinding)', async () => {
    const host = await internal();
    let calls = 0;
    // First answer passes the check; the one the connection asks for is private.
    const rebinding: Resolver = async () => [{ address: calls++ === 0 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
    const http = client({ userAgent: 'earshot-test', resolve: rebinding });
    const err = await http.send({ url: `http://localhost:${host.port}/` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundRefusedError);
    expect(calls).toBe(2);
    expect(host.requests).toHaveLength(0);
  });

  it('re-checks every redirect hop: a feed that answers 302 to the metadata service, a 10.x name or a loopback alias is refused', async () => {
    const host = await internal();
    const fake = await feed();
    fake.publish({ title: 'One', guid: 'https://blog.example/1' });
    const http = client({
      userAgent: 'earshot-test',
      resolve: stubResolver({ 'internal.test': ['10.0.0.1'], 'metadata.test': ['169.254.169.254'] }),
    });
    const targets = [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'https://metadata.test/latest/meta-data/',
      'https://internal.test/admin',
      `http://0.0.0.0:${host.port}/`,
      `http://2130706433:${host.port}/`,
      `http://[::ffff:127.0.0.1]:${host.port}/`,
      'gopher://127.0.0.1:6379/_INFO',
      'file:///etc/passwd',
    ];
    for (const location of targets) {
      fake.failNext(302, '', { location });
      const err = await makeClient(rssConnector, { url: `${fake.url}/rss.xml` }, { http })
        .client.fetch(null)
        .catch((e: unknown) => e);
      expect(err, location).toBeInstanceOf(OutboundRefusedError);
      expect((err as Error).message, location).not.toMatch(/INTERNAL-SECRET/);
    }
    expect(host.requests).toHaveLength(0);
  });

  it('follows at most 3 redirects', async () => {
    const fake = await feed();
    fake.publish({ title: 'One', guid: 'https://blog.example/1' });
    fake.failNext(302, '', { location: `${fake.url}/rss.xml` }, 4);
    const http = client();
    const err = await makeClient(rssConnector, { url: `${fake.url}/rss.xml` }, { http })
      .client.fetch(null)
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/more than 3 redirects/);
    expect(fake.requests).toHaveLength(4);
  });

  it('drops Authorization, API-key headers and cookies on a redirect to another origin, keeps them on the same origin', async () => {
    const first = await feed();
    const second = await feed();
    second.publish({ title: 'Moved', guid: 'https://blog.example/moved' });
    first.publish({ title: 'Here', guid: 'https://blog.example/here' });
    const headers = { authorization: 'Bearer feed-secret-token', 'x-api-key': 'key-123', cookie: 'sid=abc', 'x-custom': 'kept' };
    const http = client();
    const rss = makeClient(rssConnector, { url: `${first.url}/rss.xml`, headers }, { http }).client;

    first.failNext(302, '', { location: `${first.url}/rss.xml?again=1` });
    await rss.fetch(null);
    expect(first.requests.at(-1)?.headers).toMatchObject({
      authorization: 'Bearer feed-secret-token',
      'x-api-key': 'key-123',
      cookie: 'sid=abc',
    });

    first.failNext(302, '', { location: `${second.url}/rss.xml` });
    const moved = await rss.fetch(null);
    expect(moved.mentions.map((m) => m.nativeId)).toEqual(['https://blog.example/moved']);
    const seen = second.requests.at(-1)?.headers ?? {};
    expect(seen['authorization']).toBeUndefined();
    expect(seen['x-api-key']).toBeUndefined();
    expect(seen['cookie']).toBeUndefined();
    expect(seen['x-custom']).toBe('kept');
  });
});

describe('outbound policy: what a viewer reads after a hostile redirect', () => {
  let app: TestApp;
  let server: FastifyInstance;
  let fake: FakeFeed;
  let host: InternalHost;
  let other: FakeFeed;

  beforeAll(async () => {
    fake = await FakeFeed.start();
    other = await FakeFeed.start();
    host = await InternalHost.start();
    app = await testApp({
      sources: [
        {
          id: 'hostile',
          kind: 'rss',
          brand: 'acme',
          options: { url: `${fake.url}/rss.xml`, headers: { authorization: 'Bearer feed-secret-token' } },
        },
        { id: 'odd', kind: 'rss', brand: 'acme', options: { url: `${other.url}/rss.xml` } },
      ],
    });
    server = await buildServer(app.ctx);
  });

  afterAll(async () => {
    await server?.close();
    await app?.close();
    await Promise.all([fake?.close(), other?.close(), host?.close()]);
  });

  const sources = async (role: keyof typeof TOKENS) => {
    const res = await server.inject({ method: 'GET', url: '/api/sources', headers: { authorization: `Bearer ${TOKENS[role]}` } });
    expect(res.statusCode).toBe(200);
    return res.json().sources as Array<{ id: string; state: Record<string, unknown> }>;
  };

  it('a 302 to a loopback alias is refused: nothing is fetched and nothing of it reaches /api/sources', async () => {
    fake.failNext(302, '', { location: `http://0.0.0.0:${host.port}/latest/meta-data/` });
    await pollSource(app.ctx, 'hostile').catch(() => undefined);
    expect(host.requests).toHaveLength(0);
    const state = (await sources('viewer')).find((s) => s.id === 'hostile')?.state;
    expect(state?.['lastError']).toMatch(/refused by the outbound policy/);
    expect(JSON.stringify(state)).not.toMatch(/INTERNAL-SECRET|feed-secret-token/);
  });

  it("a platform's answer never reaches a viewer, only the admin's detail", async () => {
    other.failNext(200, 'ami-id: INTERNAL-SECRET-4242 this is not a feed at all', { 'content-type': 'text/plain' });
    await pollSource(app.ctx, 'odd').catch(() => undefined);
    const viewer = (await sources('viewer')).find((s) => s.id === 'odd')?.state;
    expect(viewer?.['lastError']).toBe('unreadable answer from the platform (HTTP 200)');
    expect(JSON.stringify(viewer)).not.toMatch(/INTERNAL-SECRET/);
    expect(viewer).not.toHaveProperty('lastErrorDetail');
    const admin = (await sources('admin')).find((s) => s.id === 'odd')?.state;
    expect(admin?.['lastErrorDetail']).toMatch(/INTERNAL-SECRET/);
  });
});
