import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { createItems, getItems, type NewItem } from '../src/store/inbox.js';
import { AT_RISK_MS } from '../src/store/inbox-queue.js';
import { ingestMentions } from '../src/store/mentions.js';
import { toMention, type Mention } from '../src/mention.js';
import { nearDuplicateKey } from '../src/text/near-duplicate.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { seedItems } from './helpers/queue-seed.js';
import { waitFor } from './helpers/wait.js';
import { nth } from './helpers/present.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
let app: TestApp;
let server: FastifyInstance;

type Entry = { item: { id: string; urgency: number; priority: string }; similar: number };
type Page = { items: Entry[]; total: number; next: string | null };

async function get(url: string): Promise<Page> {
  const res = await server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKENS.viewer}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
}

async function walk(url: string, limit: number, from: string | null = null): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = from;
  do {
    const page: Page = await get(`${url}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...page.items.map((e) => e.item.id));
    cursor = page.next;
  } while (cursor);
  return ids;
}

beforeAll(async () => {
  app = await testApp();
  server = await buildServer(app.ctx);
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

describe('queue order', () => {
  it('urgent tier first; within it an SLA at risk first, then higher urgency, then the SLA that runs out sooner', async () => {
    const now = Date.now();
    await seedItems(app.ctx.db, [
      // The reported bug: urgency 79 with the sooner SLA sat above urgency 100.
      { id: 'o-u79', sourceId: 'order', priority: 'urgent', urgency: 79, slaDueAt: now + 40 * MIN },
      { id: 'o-u100', sourceId: 'order', priority: 'urgent', urgency: 100, slaDueAt: now + 55 * MIN },
      { id: 'o-u88', sourceId: 'order', priority: 'urgent', urgency: 88, slaDueAt: now + 50 * MIN },
      { id: 'o-u88b', sourceId: 'order', priority: 'urgent', urgency: 88, slaDueAt: now + 45 * MIN },
      // About to breach (10 min) and breached: above any urgency of their tier.
      { id: 'o-u61-soon', sourceId: 'order', priority: 'urgent', urgency: 61, slaDueAt: now + 10 * MIN },
      { id: 'o-u65-late', sourceId: 'order', priority: 'urgent', urgency: 65, slaDueAt: now - 5 * MIN },
      // Normal tier: never above an urgent item, whatever its urgency or SLA.
      { id: 'o-n95', sourceId: 'order', priority: 'normal', urgency: 55, slaDueAt: now + 3 * HOUR },
      { id: 'o-n20-late', sourceId: 'order', priority: 'normal', urgency: 20, slaDueAt: now - HOUR },
      { id: 'o-n50', sourceId: 'order', priority: 'normal', urgency: 50, slaDueAt: now + 2 * HOUR },
    ]);
    const expected = ['o-u65-late', 'o-u61-soon', 'o-u100', 'o-u88b', 'o-u88', 'o-u79', 'o-n20-late', 'o-n95', 'o-n50'];
    expect((await get('/api/inbox?source=order')).items.map((e) => e.item.id)).toEqual(expected);
    // Keyset pages of one, two and four give the same order, each item once.
    for (const limit of [1, 2, 4]) expect(await walk('/api/inbox?source=order', limit)).toEqual(expected);
  });

  it('a walk keeps the first page\'s idea of "at risk", so an item crossing the line mid-walk is neither skipped nor shown twice', async () => {
    const now = Date.now();
    await seedItems(app.ctx.db, [
      { id: 'w-a', sourceId: 'walk', priority: 'normal', urgency: 90, slaDueAt: now + 2 * HOUR },
      { id: 'w-b', sourceId: 'walk', priority: 'normal', urgency: 10, slaDueAt: now + 5 * MIN },
      { id: 'w-c', sourceId: 'walk', priority: 'normal', urgency: 50, slaDueAt: now + 3 * HOUR },
    ]);
    const first = await get('/api/inbox?source=walk&limit=1');
    expect(first.items.map((e) => e.item.id)).toEqual(['w-b']);
    // Put w-a one millisecond outside the first page's at-risk line, and let the clock pass it.
    const cut = nth(JSON.parse(Buffer.from(String(first.next), 'base64url').toString()) as number[], 0);
    await app.ctx.db.query('UPDATE inbox_items SET sla_due_at = $1 WHERE id = $2', [cut + 1, 'w-a']);
    await waitFor('the clock to pass the line', () => Date.now() + AT_RISK_MS > cut + 1);
    expect(await walk('/api/inbox?source=walk', 1, first.next)).toEqual(['w-a', 'w-c']);
  });
});

describe('near-duplicate groups', () => {
  it('the key: copies, retweets and quotes with other links or handles share it; other posts do not', () => {
    const base = '@AcmeAir my flight AA12 was cancelled and nobody at the desk can tell me when the next one leaves';
    const key = nearDuplicateKey(base);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(nearDuplicateKey(`RT @someone: ${base}`)).toBe(key);
    expect(nearDuplicateKey(`${base.toUpperCase()}!!! https://t.example/abc`)).toBe(key);
    expect(nearDuplicateKey('@AcmeAir my flight AA99 was cancelled and nobody at the desk can tell me when the next one leaves')).toBe(key);
    expect(nearDuplicateKey('@AcmeAir the crew on my flight this morning was lovely, thank you')).not.toBe(key);
    expect(nearDuplicateKey('@AcmeAir help me')).toBeNull();
  });

  it('routing groups copies under the first open one; the queue shows one row "+N similar", and the group on request', async () => {
    const text = (n: number) =>
      `@AcmeAir we have been stuck at gate 14 for four hours and nobody tells us anything ${n % 2 ? '#acmefail' : ''}`;
    const made: Mention[] = [];
    for (let n = 0; n < 6; n += 1) {
      const built = toMention({
        platform: 'mastodon',
        sourceId: 'storm',
        brandId: 'acme',
        nativeId: `g${n}`,
        url: `https://social.example/@p${n}/g${n}`,
        text: text(n),
        lang: 'en',
        createdAt: new Date(Date.now() - (10 - n) * MIN).toISOString(),
        author: { id: `p${n}`, handle: `p${n}`, name: `P ${n}`, followers: 10, url: null },
        inReplyToId: null,
        engagement: { replies: 0, reposts: 0, likes: 0 },
        rating: null,
        replyRef: { statusId: `g${n}` },
      });
      if (!built.ok) throw new Error(built.reason);
      made.push(built.mention);
    }
    await ingestMentions(app.ctx.db, made);
    const item = (m: Mention): NewItem => ({
      id: m.id,
      brandId: 'acme',
      sourceId: 'storm',
      platform: 'mastodon',
      priority: 'normal',
      urgency: 40,
      category: 'delay_cancellation',
      sentiment: 'negative',
      createdAt: Date.parse(m.createdAt),
      slaDueAt: Date.now() + HOUR,
      draft: 'Sorry',
      draftTemplate: 'default',
      draftWarnings: [],
      dupKey: nearDuplicateKey(m.text),
    });
    // Two batches: the second joins the group the first made, rather than starting its own.
    await createItems(app.ctx, made.slice(0, 3).map(item));
    await createItems(app.ctx, made.slice(3).map(item));
    const items = await getItems(
      app.ctx.db,
      made.map((m) => m.id),
    );
    const leads = items.filter((i) => i.dupOf === null);
    expect(leads).toHaveLength(1);
    const lead = nth(leads, 0);
    expect(items.filter((i) => i.dupOf === lead.id)).toHaveLength(5);

    const collapsed = await get('/api/inbox?source=storm&collapse=1');
    expect(collapsed.items.map((e) => [e.item.id, e.similar])).toEqual([[lead.id, 5]]);
    expect(collapsed.total).toBe(6);
    expect((await get('/api/inbox?source=storm')).items).toHaveLength(6);
    expect((await get(`/api/inbox?similarTo=${lead.id}`)).items.map((e) => e.item.id).sort()).toEqual(made.map((m) => m.id).sort());

    // The lead closed alone: its group is shown item by item, nothing hidden behind a closed row.
    await app.ctx.db.query(`UPDATE inbox_items SET status = 'rejected' WHERE id = $1`, [lead.id]);
    const after = await get('/api/inbox?source=storm&collapse=1');
    expect(after.items).toHaveLength(5);
    expect(after.items.every((e) => e.similar === 0)).toBe(true);
  });
});
