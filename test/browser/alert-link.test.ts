import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/admin/password.js';
import { pollSource } from '../../src/listen/poll.js';
import { readCorrections } from '../../src/store/corrections.js';
import { getItems, listItemIds } from '../../src/store/inbox.js';
import { loadMentions } from '../../src/store/mentions.js';
import { FakeSlack } from '../fakes/slack.js';
import { openInbox, type InboxBrowser } from '../helpers/browser-app.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/wait.js';
import { startAllWorkers } from '../helpers/workers.js';

const PASSWORD = 'follow-the-link-2026';
const URGENT = '@AcmeAir you lost my bag 3 days ago and nobody answers. Still waiting. My lawyer will hear about this!!!';
const CALM = 'Does @AcmeAir allow pets in the cabin on short flights?';

const line = (id: string, text: string, minutesAgo: number, handle: string, followers: number) =>
  `${JSON.stringify({ id, text, createdAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(), author: { id: `u${id}`, handle, name: handle, followers }, url: `https://social.example/@${handle}/${id}` })}\n`;

/** The alert's URL has to name the port the inbox really listens on, so pick it before the config is built. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

let app: TestApp;
let slack: FakeSlack;
let ui: InboxBrowser;
let workers: { close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-alert-link-'));
  writeFileSync(path.join(dir, 'in.jsonl'), line('1', CALM, 20, 'petlover', 320) + line('2', URGENT, 10, 'loud', 250_000));
  slack = await new FakeSlack().start();
  const port = await freePort();
  app = await testApp({
    sources: [
      {
        id: 'social',
        kind: 'file',
        brand: 'acme',
        interval: '1h',
        options: { path: path.join(dir, 'in.jsonl'), outbox: path.join(dir, 'outbox.jsonl') },
      },
    ],
    chat: [{ id: 'care', kind: 'slack', webhookUrl: slack.url, signingSecret: 'fake_signing_secret_0123456789abcdef' }],
    users: [{ name: 'ana', role: 'approver', passwordHash: await hashPassword(PASSWORD) }],
    api: { host: '127.0.0.1', port },
  });
  workers = startAllWorkers(app.ctx);
  expect(await pollSource(app.ctx, 'social')).toMatchObject({ status: 'ok', stored: 2 });
  ui = await openInbox(app.ctx, port);
  ({ browser } = ui);
}, 60_000);

afterAll(async () => {
  await ui?.close();
  await workers?.close();
  await app?.close();
  await slack?.close();
});

async function signedInPage(url: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  await page.goto(url);
  await page.fill('#login-name', 'ana');
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-form button[type=submit]');
  return page;
}

/** Every URL a Block Kit payload carries: section text links and button urls. */
function urlsIn(blocks: unknown): string[] {
  const json = JSON.stringify(blocks);
  const fromButtons = [...json.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1] as string);
  const fromLinks = [...json.matchAll(/<(https?:[^|>]+)\|/g)].map((m) => m[1] as string);
  return [...fromButtons, ...fromLinks];
}

describe('a Slack alert link opens the item it is about', () => {
  it('from the real alert payload to the item page of that item', async () => {
    const [post] = await slack.waitFor(1, 20_000);
    const blocks = post?.body.blocks as Array<{ type: string; elements?: Array<{ action_id?: string; url?: string }> }>;
    const edit = blocks.find((b) => b.type === 'actions')?.elements?.find((e) => e.action_id === 'edit');
    const inboxLinks = urlsIn(blocks).filter((u) => u.startsWith(`http://127.0.0.1:${app.config.api.port}/`));
    expect(inboxLinks).toContain(edit?.url);
    const url = edit?.url as string;
    const itemId = decodeURIComponent(/#\/items?\/([^/?#]+)$/.exec(url)?.[1] ?? '');
    const stored = (await loadMentions(app.ctx.db, [itemId])).get(itemId);
    expect(stored?.mention.text).toBe(URGENT);

    const page = await signedInPage(url);
    await page.waitForSelector('#post-text', { timeout: 10_000 });
    expect(await page.textContent('#post-text')).toBe(URGENT);
    expect(await page.locator('#queue').isHidden()).toBe(true);
    await page.context().close();
  });

  it('links already in chat with the old plural path (#/items/<id>) still open the item', async () => {
    const ids = await listItemIds(app.ctx.db, 10);
    const calm = (await getItems(app.ctx.db, ids)).find((i) => i.priority !== 'urgent');
    const page = await signedInPage(`http://127.0.0.1:${app.config.api.port}/#/items/${calm?.id}`);
    await page.waitForSelector('#post-text', { timeout: 10_000 });
    expect(await page.textContent('#post-text')).toBe(CALM);
    await page.context().close();
  });
});

describe('"Correct the triage" on a complaint', () => {
  it('starts with the complaint box checked, so saving without touching it keeps complaint: true', async () => {
    const ids = await listItemIds(app.ctx.db, 10);
    const urgent = (await getItems(app.ctx.db, ids)).find((i) => i.priority === 'urgent');
    const id = urgent?.id as string;
    expect((await loadMentions(app.ctx.db, [id])).get(id)?.triage?.complaint).toBe(true);

    const page = await signedInPage(`http://127.0.0.1:${app.config.api.port}/#/item/${id}`);
    await page.waitForSelector('#post-text', { timeout: 10_000 });
    await page.click('.fix-triage summary');
    expect(await page.isChecked('#fix-complaint')).toBe(true);
    await page.click('#fix-triage');
    const saved = await waitFor('stored correction', async () => (await readCorrections(app.ctx.db)).find((c) => c.itemId === id));
    expect(saved.labels.complaint).toBe(true);
    await page.context().close();
  });
});
