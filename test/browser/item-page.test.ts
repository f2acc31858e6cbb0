import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/admin/password.js';
import { getItem } from '../../src/store/inbox.js';
import { unsentOutbox } from '../../src/store/outbox.js';
import { FakeMastodon } from '../fakes/mastodon.js';
import { openInbox, submitLogin, screenshotDir, type InboxBrowser } from '../helpers/browser-app.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { seedMention, type SeedOptions } from '../helpers/seed.js';
import { startAllWorkers } from '../helpers/workers.js';
import { present } from '../helpers/present.js';

const PASSWORD = 'work-together-2026';
const OUT = screenshotDir();

let fake: FakeMastodon;
let app: TestApp;
let ui: InboxBrowser;
let workers: { close(): Promise<void> };
let browser: Browser;
let base: string;
let n = 0;

/** An item whose reply would really reach the fake Mastodon (its status exists there). */
async function item(o: Partial<SeedOptions> = {}): Promise<{ id: string; statusId: string }> {
  n += 1;
  const author = o.author ?? `person${n}`;
  const text = o.text ?? `@AcmeAir problem number ${n}`;
  const status = fake.status({ text, acct: `${author}@social.example` });
  const mention = await seedMention(app.ctx, { ...o, nativeId: status.id, sourceId: 'masto', author, text });
  return { id: mention.id, statusId: status.id };
}

async function signedIn(name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => {
    throw err;
  });
  await submitLogin(page, base, name, PASSWORD);
  await page.waitForSelector('#items .entry');
  return page;
}

async function open(page: Page, id: string): Promise<void> {
  await page.goto(`${base}/#/item/${id}`);
  await page.locator(`#presence[data-item="${id}"]`).waitFor({ state: 'attached' });
}

beforeAll(async () => {
  fake = await FakeMastodon.start({ token: 'fake-token' });
  const passwordHash = await hashPassword(PASSWORD);
  app = await testApp({
    sources: [{ id: 'masto', kind: 'mastodon', brand: 'acme', interval: '1h', options: { instance: fake.url, token: 'fake-token' } }],
    users: [
      { name: 'ana', role: 'approver', passwordHash },
      { name: 'rob', role: 'responder', passwordHash },
    ],
    // Long enough that clicking Undo never races the clock on a loaded machine.
    inbox: { undoSeconds: 30 },
  });
  workers = startAllWorkers(app.ctx);
  await item({ text: '@AcmeAir first post so the queue is not empty' });
  ui = await openInbox(app.ctx);
  ({ browser, base } = ui);
}, 60_000);

afterAll(async () => {
  await ui?.close();
  await workers?.close();
  await app?.close();
  await fake?.close();
});

describe('item page in a real browser', () => {
  it('`a` approves with an undo window; Undo puts the item back and nothing reaches the platform', async () => {
    const { id, statusId } = await item({ text: '@AcmeAir where is my refund' });
    const page = await signedIn('ana');
    await open(page, id);
    await expect.poll(() => page.locator('#reply-as-posted').textContent()).toMatch(/^@person\d+ Hi person\d+, sorry about that\.$/);
    await page.keyboard.press('a');
    await page.locator('#undo-bar #undo').waitFor();
    expect(await page.locator('#undo-text').textContent()).toMatch(/^Sending in \d+s…/);
    expect(await page.locator('#undo-toast').textContent()).toMatch(/Sending in \d+s…\s*Undo/);
    await page.screenshot({ path: path.join(OUT, 'item-undo.png') });
    expect((await getItem(app.ctx.db, id))?.status).toBe('approved');

    await page.click('#undo-bar #undo');
    await page.locator('#item-status', { hasText: /^new$/ }).waitFor();
    expect(await page.locator('#draft-text').inputValue()).toMatch(/^Hi person\d+, sorry about that\.$/);
    expect(await page.locator('#undo-bar').count()).toBe(0);
    // The approval is gone from every place it could still be sent from.
    expect(await app.ctx.queues.publish.getJob(`publish-${id}-v1-a1`)).toBeUndefined();
    expect(await unsentOutbox(app.ctx.db, { jobIds: [`publish-${id}-v1-a1`] })).toEqual([]);
    expect(fake.replies.filter((r) => r.inReplyToId === statusId)).toEqual([]);
    await page.context().close();
  });

  it('r + Enter on an urgent safety report asks to confirm; rejected items can be reopened', async () => {
    const { id } = await item({
      text: '@AcmeAir the emergency exit was blocked on my flight',
      priority: 'urgent',
      urgency: 95,
      category: 'safety_legal_press',
    });
    const page = await signedIn('rob');
    await open(page, id);
    await page.keyboard.press('r');
    await page.keyboard.type('spam');
    await page.keyboard.press('Enter');
    await page.locator('#reject-confirm').waitFor();
    // Enter again does not reject either: only the confirmation button does.
    await page.keyboard.press('Enter');
    expect((await getItem(app.ctx.db, id))?.status).toBe('new');
    await page.click('#reject-confirmed');
    await page.locator('#item-status', { hasText: /^rejected$/ }).waitFor();
    await page.click('#reopen');
    await page.locator('#item-status', { hasText: /^new$/ }).waitFor();
    expect(await getItem(app.ctx.db, id)).toMatchObject({ status: 'new', rejectReason: null });
    await page.context().close();
  });

  it('a 409 "draft changed" is shown as a toast in view and next to the button', async () => {
    const { id } = await item();
    const page = await signedIn('ana');
    await open(page, id);
    await page.locator('#approve:not([disabled])').waitFor();
    // Someone else edits the draft after this page loaded it, and the live event is lost (no announce).
    await app.ctx.db.query("UPDATE inbox_items SET draft = 'A colleague rewrote this', draft_version = 2 WHERE id = $1", [id]);
    await page.click('#approve');
    const toastNode = page.locator('#toasts-alert .toast.error');
    await toastNode.waitFor();
    expect(await toastNode.textContent()).toContain('the draft changed since you loaded it');
    expect(await toastNode.isVisible()).toBe(true);
    const box = await toastNode.boundingBox();
    expect(present(box).y + present(box).height).toBeLessThanOrEqual(900);
    expect(await page.locator('.inline-error[data-for="approve"]').textContent()).toContain('draft changed');
    await page.screenshot({ path: path.join(OUT, 'item-409.png') });
    await page.context().close();
  });

  it('`?` shows the keys; Escape closes it and cancels an edit', async () => {
    const { id } = await item();
    const page = await signedIn('ana');
    await open(page, id);
    await page.keyboard.press('?');
    await page.locator('#keys-overlay').waitFor();
    expect(await page.locator('#keys-overlay').textContent()).toContain('cancel the edit');
    await page.keyboard.press('Escape');
    await page.locator('#keys-overlay').waitFor({ state: 'detached' });
    await page.keyboard.press('e');
    await page.fill('#draft-text', 'half-written thought');
    await page.keyboard.press('Escape');
    expect(await page.locator('#draft-text').getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('#draft-text').inputValue()).toMatch(/^Hi person\d+/);
    await page.context().close();
  });

  it('presence: two signed-in people see each other viewing and typing', async () => {
    const { id } = await item({ author: 'angry', text: '@AcmeAir third time asking!!' });
    await item({ author: 'angry', text: '@AcmeAir hello??' });
    const ana = await signedIn('ana');
    const rob = await signedIn('rob');
    await open(ana, id);
    await open(rob, id);
    await ana.locator('#presence', { hasText: 'rob is viewing' }).waitFor();
    await rob.locator('#presence', { hasText: 'ana is viewing' }).waitFor();
    await rob.click('#note-text');
    await rob.keyboard.type('@ana this is the third one from them');
    await ana.locator('#presence', { hasText: 'rob is typing…' }).waitFor();
    await rob.click('#add-note');
    await ana.locator('#notes .note.mentions-me', { hasText: 'third one from them' }).waitFor();
    await ana.locator('#mentions-badge', { hasText: 'Mentions' }).waitFor();
    await ana.locator('#conversation', { hasText: '1 other open item' }).waitFor();
    await ana.screenshot({ path: path.join(OUT, 'item-together.png'), fullPage: true });
    // Leaving says goodbye: the marker goes without waiting for the TTL.
    await rob.goto(`${base}/#/`);
    await ana.locator('#presence[hidden]').waitFor({ state: 'attached' });
    await ana.context().close();
    await rob.context().close();
  });
});
