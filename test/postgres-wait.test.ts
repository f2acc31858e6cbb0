import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../src/app/runtime.js';
import { configFromObject } from '../src/app/config.js';
import { freePort } from '../src/redis/embedded.js';
import { baseConfig, testPrefix } from './helpers/app.js';
import { testDatabaseUrl } from './helpers/db.js';

/** A TCP port in front of the test server's unix socket, listening only once `open` is called. */
function lateProxy(socketUrl: string, port: number): { open(): Promise<void>; close(): void } {
  const parsed = new URL(socketUrl);
  const socket = `${decodeURIComponent(parsed.hostname)}/.s.PGSQL.${parsed.port || 5432}`;
  const clients = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(socket);
    clients.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return {
    open: () => new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve())),
    close: () => {
      for (const c of clients) c.destroy();
      server.close();
    },
  };
}

describe('a process started while PostgreSQL is not up yet', () => {
  it('waits for it and comes up, instead of exiting', async () => {
    const prefix = testPrefix();
    const direct = await testDatabaseUrl(prefix);
    const port = await freePort();
    const proxy = lateProxy(direct, port);
    const url = `postgresql://earshot@127.0.0.1:${port}${new URL(direct).pathname}`;
    const config = configFromObject(baseConfig(prefix), { REDIS_URL: inject('redisUrl'), DATABASE_URL: url }, '/test/earshot.yaml');
    // The server comes up when the process has found it down and said so (no timing guess).
    let opened: Promise<void> | null = null;
    const lines = new Writable({
      write(chunk: Buffer, _enc, done) {
        if (chunk.toString().includes('waiting for postgres')) opened ??= proxy.open();
        done();
      },
    });
    try {
      const { db } = await openDatabase(config, pino({ level: 'warn' }, lines));
      expect(opened).not.toBeNull();
      expect((await db.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]?.ok).toBe(1);
      await db.end();
    } finally {
      proxy.close();
    }
  });

  it('still fails at once, naming the setting, when the database itself is wrong', async () => {
    const direct = await testDatabaseUrl(testPrefix());
    const wrong = direct.replace(/\/[^/]+$/, '/no_such_database');
    const config = configFromObject(baseConfig(testPrefix()), { REDIS_URL: inject('redisUrl'), DATABASE_URL: wrong }, '/test/earshot.yaml');
    await expect(openDatabase(config, pino({ level: 'silent' }))).rejects.toThrow(/no_such_database.*database\.url/s);
  });
});
