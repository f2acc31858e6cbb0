import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { inject } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { buildContext } from '../../src/app/runtime.js';
import { type Config } from '../../src/config/load.js';
import { configFromObject } from '../../src/app/config.js';
import { closeQueues } from '../../src/jobs/queues.js';
import { createRedis } from '../../src/redis/connection.js';
import { testDatabaseUrl, testDb } from './db.js';

export const TOKENS = {
  viewer: 'viewer-token-0123456789',
  responder: 'responder-token-0123456789',
  approver: 'approver-token-0123456789',
  admin: 'admin-token-0123456789',
};

/** A complete, valid config object; tests override the parts they exercise. */
export function baseConfig(prefix: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    brands: [{ id: 'acme', name: 'Acme Air', keywords: ['acme air'], handles: ['@AcmeAir'], hashtags: ['acmeair'] }],
    sources: [],
    chat: [],
    triage: { urgentThreshold: 60 },
    playbook: {
      signature: '— Acme Air care',
      templates: { default: 'Hi {name}, thanks for reaching out to {brand}. We are looking into it.' },
      neverSay: ['guarantee'],
    },
    users: Object.entries(TOKENS).map(([role, token]) => ({ name: role, role, token })),
    redis: { prefix },
    workers: { concurrency: 2, lockDuration: '2s', stalledInterval: '1s' },
    // Approvals post at once unless a test is about the undo window.
    inbox: { undoSeconds: 0 },
    log: { level: 'silent' },
    ...overrides,
  };
}

export function testPrefix(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

export interface TestApp {
  ctx: AppContext;
  config: Config;
  redisUrl: string;
  /** This prefix's own PostgreSQL database, for child processes (DATABASE_URL). */
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * A real AppContext on the run's redis-server and PostgreSQL, isolated by a fresh key prefix
 * and that prefix's own database (two apps with one prefix share both, like two processes).
 */
export async function testApp(overrides: Record<string, unknown> = {}, prefix = testPrefix()): Promise<TestApp> {
  const redisUrl = inject('redisUrl');
  const databaseUrl = await testDatabaseUrl(prefix);
  const config = configFromObject(baseConfig(prefix, overrides), { REDIS_URL: redisUrl, DATABASE_URL: databaseUrl }, '/test/earshot.yaml');
  const redis = createRedis(redisUrl);
  const db = await testDb(prefix);
  const ctx = buildContext(config, redis, db, pino({ level: process.env['EARSHOT_TEST_LOG'] ?? 'silent' }));
  return {
    ctx,
    config,
    redisUrl,
    databaseUrl,
    async close() {
      await closeQueues(ctx.queues);
      await ctx.http.close();
      await redis.quit();
      await db.end();
    },
  };
}
