import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { createPool, type Db } from '../src/postgres/pool.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { tcpDatabaseUrl } from './helpers/db.js';
import { countingProxy, type CountingProxy } from './helpers/counting-proxy.js';
import { seedMention } from './helpers/seed.js';
import { waitFor } from './helpers/wait.js';
import { present } from './helpers/present.js';

/** Close to the 40,000 characters the schema allows: the size that ran the heap out. */
const POST_CHARS = 38_000;
const POSTS = 40;
/** Whole posts would be POSTS × POST_CHARS bytes from PostgreSQL; a list may take a quarter of that. */
const BYTES_BUDGET = (POSTS * POST_CHARS) / 4;

function filler(seed: number, chars: number): string {
  const words = `lorem${seed} ipsum dolor sit amet `;
  return words.repeat(Math.ceil(chars / words.length)).slice(0, chars);
}

interface ListItem {
  item: { id: string };
  mention: { text: string; author: { handle: string } } | null;
}

describe('inbox lists carry previews, never whole posts', () => {
  let app: TestApp;
  let proxy: CountingProxy;
  let proxied: Db;
  let server: FastifyInstance;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await testApp();
    for (let i = 0; i < POSTS - 5; i++)
      await seedMention(app.ctx, { nativeId: `long${i}`, text: filler(i, POST_CHARS), author: `user${i}` });
    const deep = `${filler(90, POST_CHARS - 100)} the ZePPeLiN landed ${filler(91, 60)}`;
    ids['deep'] = (await seedMention(app.ctx, { nativeId: 'deep', text: deep, author: 'deep' })).id;
    ids['german'] = (
      await seedMention(app.ctx, {
        nativeId: 'german',
        text: `${filler(92, 20_000)} so ein Ärger mit dem Gepäck ${filler(93, 17_000)}`,
        author: 'german',
      })
    ).id;
    ids['emoji'] = (await seedMention(app.ctx, { nativeId: 'emoji', text: '😀'.repeat(POST_CHARS / 2), author: 'emoji' })).id;
    ids['dots'] = (await seedMention(app.ctx, { nativeId: 'dots', text: 'version a.b is out, 100% sure [x', author: 'dots' })).id;
    ids['draft'] = (await seedMention(app.ctx, { nativeId: 'draft', text: 'nothing to see', author: 'quiet' })).id;
    // A draft a person edited: the queue's text filter searches those (not Earshot's own).
    await app.ctx.db.query('UPDATE inbox_items SET draft = $2, draft_edited = true WHERE id = $1', [
      ids['draft'],
      'we will send a Hovercraft',
    ]);
    // The API's database connections go through a counting TCP proxy in front of PostgreSQL.
    const direct = new URL(tcpDatabaseUrl(app.databaseUrl));
    proxy = await countingProxy(direct);
    proxied = createPool(`postgresql://earshot@127.0.0.1:${new URL(proxy.url).port}${direct.pathname}`, { max: 4 });
    server = await buildServer({ ...app.ctx, db: proxied });
    // Four connections open before anything is held (a held sign-in would hide the queries).
    await Promise.all([1, 2, 3, 4].map(() => proxied.query('SELECT pg_sleep(0.05)')));
  });
  afterAll(async () => {
    await server.close();
    await proxied.end();
    await proxy.close();
    await app.close();
  });

  const list = async (query: string, token = TOKENS.viewer) => {
    const res = await server.inject({ method: 'GET', url: `/api/inbox?${query}`, headers: { authorization: `Bearer ${token}` } });
    return res;
  };
  const found = async (q: string) => {
    const res = await list(`limit=500&q=${encodeURIComponent(q)}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as ListItem[]).map((i) => i.item.id);
  };

  it('a full page reads previews only: bounded text per item, bounded bytes from PostgreSQL', async () => {
    proxy.reset();
    const res = await list('limit=500');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as ListItem[];
    expect(items).toHaveLength(POSTS);
    expect(proxy.readBytes()).toBeLessThan(BYTES_BUDGET);
    for (const { mention } of items) expect(present(mention).text.length).toBeLessThanOrEqual(1000);
    const long = present(items.find((i) => i.item.id !== ids['dots'] && present(i.mention).author.handle === 'user3'));
    expect(present(long.mention).text.endsWith('…')).toBe(true);
    // Cut on a character boundary: no broken emoji.
    const emoji = present(present(items.find((i) => i.item.id === ids['emoji'])).mention).text;
    expect(emoji).not.toContain('\uFFFD');
    expect(emoji.replace('…', '')).toMatch(/^(😀)+$/u);
    expect(present(present(items.find((i) => i.item.id === ids['dots'])).mention).text).toBe('version a.b is out, 100% sure [x');
  });

  it('a search covers whole posts inside PostgreSQL and still moves only previews', async () => {
    proxy.reset();
    expect(await found('zeppelin')).toEqual([ids['deep']]);
    expect(proxy.readBytes()).toBeLessThan(BYTES_BUDGET);
    expect(await found('ZEPPELIN LANDED')).toEqual([ids['deep']]);
    expect(await found('ärger')).toEqual([ids['german']]);
    expect(await found('ÄRGER MIT')).toEqual([ids['german']]);
    expect(await found('hovercraft')).toEqual([ids['draft']]);
    expect(await found('user7')).toHaveLength(1);
    // Lua pattern characters are literal text to the search.
    expect(await found('a.b')).toEqual([ids['dots']]);
    expect(await found('100%')).toEqual([ids['dots']]);
    expect(await found('[x')).toEqual([ids['dots']]);
    expect(await found('a%b')).toEqual([]);
  });

  it('more inbox lists in flight than the cap: 429 with Retry-After, others unaffected', async () => {
    proxy.hold();
    const first = [list('limit=500'), list('limit=500&q=zeppelin')];
    // Both are waiting on PostgreSQL (the plain list's page query, the text list's first look at
    // the text indexes, in its read-only transaction) before the third arrives.
    await waitFor(
      'two lists in flight',
      () => (proxy.heldText().match(/LEFT JOIN mentions m ON m.id = i.id|BEGIN READ ONLY/g) ?? []).length >= 2,
    );
    const third = await list('limit=10');
    expect(third.statusCode).toBe(429);
    expect(third.headers['retry-after']).toBe('2');
    expect(third.json().error).toBe('too_many_requests');
    const admin = list('limit=10', TOKENS.admin);
    proxy.release();
    expect((await Promise.all([...first, admin])).map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect((await list('limit=10')).statusCode).toBe(200);
  });
});
