import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { inboxEventsChannel, getItem } from '../src/store/inbox.js';
import { heartbeat, presenceAll } from '../src/store/presence.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { seedMention } from './helpers/seed.js';
import { waitFor } from './helpers/wait.js';

type Role = keyof typeof TOKENS;

describe('working together on an item: notes, mentions, tags, assignment, conversations, presence', () => {
  let app: TestApp;
  let server: FastifyInstance;
  let n = 0;

  beforeAll(async () => {
    app = await testApp();
    server = await buildServer(app.ctx);
  });

  afterAll(async () => {
    await server.close();
    await app.close();
  });

  async function newItem(author = `team${++n}`): Promise<string> {
    return (await seedMention(app.ctx, { nativeId: `team-${++n}`, author })).id;
  }

  function call(role: Role, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
    return server.inject({
      method,
      url,
      headers: { authorization: `Bearer ${TOKENS[role]}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  }

  it('a viewer can read but cannot write notes, tag, assign, link or close', async () => {
    const id = await newItem();
    const other = await newItem();
    expect((await call('viewer', 'GET', `/api/items/${id}/team`)).statusCode).toBe(200);
    const refused = [
      await call('viewer', 'POST', `/api/items/${id}/notes`, { body: 'hi' }),
      await call('viewer', 'POST', `/api/items/${id}/tags`, { tag: 'vip' }),
      await call('viewer', 'DELETE', `/api/items/${id}/tags/vip`),
      await call('viewer', 'POST', `/api/items/${id}/assign`, { assignee: 'responder' }),
      await call('viewer', 'POST', `/api/items/${id}/link`, { ids: [other] }),
      await call('viewer', 'POST', `/api/items/${id}/close-answered`, { ids: [other] }),
      await call('viewer', 'POST', `/api/items/${id}/presence`, { state: 'typing' }),
    ];
    expect(refused.map((r) => r.statusCode)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    expect((await call('viewer', 'POST', `/api/items/${id}/presence`, { state: 'viewing' })).statusCode).toBe(200);
  });

  it('assigns to a colleague who can respond, never to a viewer', async () => {
    const id = await newItem();
    const ok = await call('responder', 'POST', `/api/items/${id}/assign`, { assignee: 'approver' });
    expect(ok.json().item).toMatchObject({ assignee: 'approver', status: 'assigned' });
    const viewer = await call('responder', 'POST', `/api/items/${id}/assign`, { assignee: 'viewer' });
    expect(viewer.statusCode).toBe(422);
    expect(viewer.json().message).toContain('cannot respond');
    const team = (await call('responder', 'GET', `/api/items/${id}/team`)).json();
    expect(team.assignees.map((a: { name: string }) => a.name).sort()).toEqual(['admin', 'approver', 'responder']);
  });

  it('a note that @mentions a user shows up for them until they open the item', async () => {
    const id = await newItem();
    const note = await call('responder', 'POST', `/api/items/${id}/notes`, {
      body: 'Refund promised by phone, @Approver please check. @nobody is not a user',
    });
    expect(note.statusCode).toBe(200);
    expect(note.json().note.mentions).toEqual(['approver']);
    const mine = (await call('approver', 'GET', '/api/mentions')).json();
    expect(mine.unseen).toBe(1);
    expect(mine.recent[0]).toMatchObject({ itemId: id, author: 'responder', seen: false });
    const queue = (await call('approver', 'GET', '/api/inbox?mentioned=me')).json();
    expect(queue.items.map((e: { item: { id: string } }) => e.item.id)).toEqual([id]);
    expect((await call('responder', 'GET', '/api/inbox?mentioned=me')).json().items).toEqual([]);

    const team = (await call('approver', 'GET', `/api/items/${id}/team`)).json();
    expect(team.notes).toHaveLength(1);
    expect(team.notes[0]).toMatchObject({ author: 'responder', mentions: ['approver'] });
    expect((await call('approver', 'GET', '/api/mentions')).json().unseen).toBe(0);
  });

  it('tags: added once, normalised, filterable in the queue, removable', async () => {
    const id = await newItem();
    const other = await newItem();
    expect((await call('responder', 'POST', `/api/items/${id}/tags`, { tag: ' Refund  Promised ' })).json().tags).toEqual([
      'refund promised',
    ]);
    await call('responder', 'POST', `/api/items/${id}/tags`, { tag: 'refund promised' });
    await call('responder', 'POST', `/api/items/${id}/tags`, { tag: 'vip' });
    expect((await call('responder', 'POST', `/api/items/${id}/tags`, { tag: '<b>' })).statusCode).toBe(422);
    const tagged = (await call('viewer', 'GET', `/api/inbox?tag=${encodeURIComponent('Refund Promised')}`)).json();
    expect(tagged.items.map((e: { item: { id: string } }) => e.item.id)).toEqual([id]);
    expect(tagged.items.map((e: { item: { id: string } }) => e.item.id)).not.toContain(other);
    expect((await call('viewer', 'GET', '/api/tags')).json().tags).toEqual(
      expect.arrayContaining([
        { tag: 'refund promised', items: 1 },
        { tag: 'vip', items: 1 },
      ]),
    );
    expect((await call('responder', 'DELETE', `/api/items/${id}/tags/vip`)).json().tags).toEqual(['refund promised']);
  });

  it("shows the author's other open items and closes them as answered in this one, linked", async () => {
    const author = `angry${n}`;
    const first = await newItem(author);
    const second = await newItem(author);
    const third = await newItem(author);
    await call('responder', 'POST', `/api/items/${third}/reject`, { reason: 'duplicate' });
    const team = (await call('responder', 'GET', `/api/items/${first}/team`)).json();
    expect(team.authorOpen.map((i: { id: string }) => i.id)).toEqual([second]);

    const closed = (await call('responder', 'POST', `/api/items/${first}/close-answered`, { ids: [second, third] })).json();
    expect(closed.closed).toEqual([second]);
    expect(closed.skipped).toEqual([{ id: third, why: 'cannot reject an item that is rejected' }]);
    expect(await getItem(app.ctx.db, second)).toMatchObject({ status: 'rejected', rejectReason: `answered in ${first}` });
    const after = (await call('responder', 'GET', `/api/items/${first}/team`)).json();
    expect(after.conversation.items.map((i: { id: string }) => i.id)).toEqual([second]);
    const list = (await call('viewer', 'GET', '/api/inbox?status=all&limit=500')).json();
    const marker = list.items.find((e: { item: { id: string } }) => e.item.id === second).conversation;
    expect(marker).toBe(first);
  });

  it('linking two conversations merges them', async () => {
    const [a, b, c, d] = [await newItem(), await newItem(), await newItem(), await newItem()];
    await call('responder', 'POST', `/api/items/${a}/link`, { ids: [b] });
    await call('responder', 'POST', `/api/items/${c}/link`, { ids: [d] });
    await call('responder', 'POST', `/api/items/${b}/link`, { ids: [d] });
    const team = (await call('responder', 'GET', `/api/items/${a}/team`)).json();
    expect(team.conversation.items.map((i: { id: string }) => i.id).sort()).toEqual([b, c, d].sort());
  });

  it('presence: who views and types, announced on the live channel only when it changes', async () => {
    const id = await newItem();
    const sub = app.ctx.redis.duplicate();
    const events: Array<{ action: string; ids: string[]; presence?: unknown }> = [];
    sub.on('message', (_c: string, m: string) => events.push(JSON.parse(m)));
    await sub.subscribe(inboxEventsChannel(app.ctx.keys));
    try {
      await heartbeat(app.ctx, id, 'responder', 'viewing');
      await heartbeat(app.ctx, id, 'responder', 'viewing');
      const both = await heartbeat(app.ctx, id, 'approver', 'typing');
      expect(both.map((p) => `${p.user}:${p.state}`).sort()).toEqual(['approver:typing', 'responder:viewing']);
      expect((await presenceAll(app.ctx))[id]).toHaveLength(2);
      await heartbeat(app.ctx, id, 'approver', 'gone');
      await waitFor('three presence events', () => events.filter((e) => e.action === 'presence').length >= 3);
      const presence = events.filter((e) => e.action === 'presence');
      // viewing (new), typing (new), gone; the repeated viewing heartbeat was not announced.
      expect(
        presence.map((e) =>
          (e.presence as Array<{ user: string }>)
            .map((p) => p.user)
            .sort()
            .join(','),
        ),
      ).toEqual(['responder', 'approver,responder', 'responder']);
      // Expired entries drop out without a goodbye.
      const later = await heartbeat(app.ctx, id, 'admin', 'viewing', Date.now() + 60_000);
      expect(later.map((p) => p.user)).toEqual(['admin']);
    } finally {
      await sub.quit();
    }
  });
});
