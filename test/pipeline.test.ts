import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveItem } from '../src/inbox/actions.js';
import { pollSource } from '../src/listen/poll.js';
import { authorHistory } from '../src/store/authors.js';
import { listDeadLetters } from '../src/store/dead-letter.js';
import { getItem, getItems, listItemIds } from '../src/store/inbox.js';
import { FakeSlack } from './fakes/slack.js';
import { testApp, type TestApp } from './helpers/app.js';
import { settledInOrder } from './helpers/jobs.js';
import { waitFor } from './helpers/wait.js';
import { startAllWorkers } from './helpers/workers.js';
import { forgetCursor } from '../src/store/sources.js';

const line = (id: string, text: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ id, text, createdAt: '2026-11-20T10:00:00Z', author: { id: `u-${id}`, handle: `user${id}@social.example`, name: `User ${id}`, followers: 120 }, url: `https://social.example/@u/${id}`, ...extra })}\n`;

describe('pipeline on the file source', () => {
  let app: TestApp;
  let slack: FakeSlack;
  let workers: { close(): Promise<void> };
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-pipe-'));
    writeFileSync(
      path.join(dir, 'in.jsonl'),
      line('1', 'Thanks @AcmeAir, the crew on my flight this morning was lovely!') +
        line(
          '2',
          '@AcmeAir you lost my bag 3 days ago and nobody answers. Still waiting. My lawyer will hear about this!!! <!channel> <script>x</script>',
          {
            author: { id: 'vip', handle: 'loud@social.example', name: 'Loud *Person*', followers: 250_000 },
          },
        ) +
        '{"id": "3", "text": 42}\n' +
        'this is not json\n' +
        line('4', 'Does @AcmeAir allow pets in the cabin on short flights?'),
    );
    slack = await new FakeSlack().start();
    app = await testApp({
      sources: [
        {
          id: 'f',
          kind: 'file',
          brand: 'acme',
          interval: '1h',
          options: { path: path.join(dir, 'in.jsonl'), outbox: path.join(dir, 'outbox.jsonl') },
        },
      ],
      chat: [{ id: 'slack', kind: 'slack', webhookUrl: slack.url }],
    });
    workers = startAllWorkers(app.ctx);
  });

  afterAll(async () => {
    await workers.close();
    await app.close();
    await slack.close();
  });

  it('stores, triages and routes the readable items; dead-letters the rest with a reason', async () => {
    const outcome = await pollSource(app.ctx, 'f');
    expect(outcome).toEqual({ status: 'ok', fetched: 3, stored: 3, rejected: 2 });
    const dead = await listDeadLetters(app.ctx.redis, app.ctx.keys);
    expect(dead.map((d) => d.reason).sort()).toEqual([expect.stringMatching(/^line 3: /), 'line 4: not valid JSON']);
    const items = await waitFor('inbox items', async () => {
      const found = await getItems(app.ctx.db, await listItemIds(app.ctx.db, 100));
      return found.length >= 2 ? found : undefined;
    });
    const urgent = items.filter((i) => i.priority === 'urgent');
    expect(urgent).toHaveLength(1);
    expect(urgent[0]?.draft).toContain('Acme Air');
  });

  it('alerts Slack once, with the post escaped for mrkdwn', async () => {
    const [post] = await slack.waitFor(1);
    const blocks = JSON.stringify(post?.body.blocks);
    expect(blocks).toContain('&lt;!channel&gt;');
    expect(blocks).toContain('&lt;script&gt;');
    expect(blocks).not.toContain('<!channel>');
    expect(blocks).toMatch(/250k followers/);
    await settledInOrder(app.ctx, ['poll', 'triage', 'route', 'alert']);
    expect(slack.posts).toHaveLength(1);
  });

  it('never ingests the same post twice, even when the cursor is lost', async () => {
    appendFileSync(path.join(dir, 'in.jsonl'), line('1', 'Thanks @AcmeAir, the crew on my flight this morning was lovely!'));
    expect(await pollSource(app.ctx, 'f')).toMatchObject({ status: 'ok', fetched: 1, stored: 0 });
    await forgetCursor(app.ctx.db, 'f');
    expect(await pollSource(app.ctx, 'f')).toMatchObject({ status: 'ok', fetched: 4, stored: 0 });
  });

  it('posts an approved reply exactly once and records it in the author history', async () => {
    const ids = await listItemIds(app.ctx.db, 100);
    const urgent = (await getItems(app.ctx.db, ids)).find((i) => i.priority === 'urgent');
    if (!urgent) throw new Error('no urgent item');
    await approveItem(app.ctx, { name: 'approver', role: 'approver' }, urgent.id, {
      draftVersion: urgent.draftVersion,
      acknowledgeWarnings: true,
    });
    const posted = await waitFor('reply posted', async () => {
      const item = await getItem(app.ctx.db, urgent.id);
      return item?.status === 'posted' ? item : undefined;
    });
    const outbox = readFileSync(path.join(dir, 'outbox.jsonl'), 'utf8').trim().split('\n');
    expect(outbox).toHaveLength(1);
    expect(JSON.parse(outbox[0] as string)).toMatchObject({ replyId: posted.replyId, inReplyTo: '2' });
    // The reply joins the author's history just after the item is marked posted (publish.ts), so wait for it.
    const kinds = await waitFor('the reply in the author history', async () => {
      const found = (await authorHistory(app.ctx.db, { platform: 'file', authorId: 'vip' })).history.map((e) => e.kind).sort();
      return found.includes('reply') ? found : undefined;
    });
    expect(kinds).toEqual(['mention', 'reply']);
  });
});
