import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { assignItem } from '../src/inbox/actions.js';
import { inboxEventsChannel } from '../src/store/inbox.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { seedMention } from './helpers/seed.js';
import { waitFor } from './helpers/wait.js';

let app: TestApp;
let server: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = await testApp();
  server = await buildServer(app.ctx);
  base = await server.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

function openStream(token?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: () => string; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/api/events`, { headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('error', () => undefined);
      resolve({ status: res.statusCode ?? 0, headers: res.headers, text: () => text, close: () => req.destroy() });
    });
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
  });
}

describe('GET /api/events', () => {
  it('refuses strangers', async () => {
    const stream = await openStream();
    expect(stream.status).toBe(401);
    stream.close();
  });

  it('streams an event when an item is created and when it transitions', async () => {
    const stream = await openStream(TOKENS.viewer);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['content-security-policy']).toMatch(/default-src 'none'/);
    await waitFor('connected', () => stream.text().includes(': connected'));
    const m = await seedMention(app.ctx, { nativeId: 'ev-1' });
    await waitFor('created event', () => stream.text().includes('inbox.created'));
    await assignItem(app.ctx, { name: 'responder', role: 'responder' }, m.id, 'responder');
    const text = await waitFor('assigned event', () => (stream.text().includes('item.assigned') ? stream.text() : undefined));
    const events = text
      .split('\n\n')
      .filter((b) => b.startsWith('event: inbox'))
      .map((b) => JSON.parse(b.split('data: ')[1] as string));
    expect(events).toEqual([
      { action: 'inbox.created', ids: [m.id], status: null, at: expect.any(Number) },
      { action: 'item.assigned', ids: [m.id], status: 'assigned', at: expect.any(Number) },
    ]);
    // Ids and actions only: the post's text never goes over the stream.
    expect(text).not.toContain('post ev-1');
    stream.close();
  });

  it('publishes once per store call, not once per item', async () => {
    const sub = app.ctx.redis.duplicate();
    const messages: string[] = [];
    sub.on('message', (_c: string, msg: string) => messages.push(msg));
    await sub.subscribe(inboxEventsChannel(app.ctx.keys));
    const { createItems } = await import('../src/store/inbox.js');
    const now = Date.now();
    // Items belong to stored mentions (a foreign key), so the three posts are stored first, without items.
    const posts = await Promise.all([1, 2, 3].map((i) => seedMention(app.ctx, { nativeId: `batch-${i}`, item: false })));
    const items = posts.map((p) => ({
      id: p.id,
      brandId: 'acme',
      sourceId: 's',
      platform: 'p',
      priority: 'normal' as const,
      urgency: 1,
      category: 'other',
      sentiment: 'neutral',
      createdAt: now,
      slaDueAt: now,
      draft: 'x',
      draftTemplate: 'default',
      draftWarnings: [],
    }));
    await createItems(app.ctx, items);
    // Redis delivers a channel's messages in the order it ran the PUBLISHes, and createItems has
    // returned, so everything it published arrives before this marker.
    await app.ctx.redis.publish(inboxEventsChannel(app.ctx.keys), 'marker');
    await waitFor('marker', () => messages.includes('marker'));
    expect(messages.slice(0, -1)).toHaveLength(1);
    expect(JSON.parse(messages[0] as string).ids).toHaveLength(3);
    await sub.quit();
  });
});
