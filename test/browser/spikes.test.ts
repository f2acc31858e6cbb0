import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spikeText } from '../../src/alerts/spike-message.js';
import { spikeBlocks } from '../../src/alerts/spike-slack.js';
import { hashPassword } from '../../src/admin/password.js';
import { sweepSpikes } from '../../src/alerts/spikes/sweep.js';
import type { SpikeRecord } from '../../src/store/spikes.js';
import { openInbox, submitLogin, screenshotDir, type InboxBrowser } from '../helpers/browser-app.js';
import { testApp, TOKENS, type TestApp } from '../helpers/app.js';
import { background, feed, MIN, post, storm } from '../spikes/fixtures.js';
import { nth, present } from '../helpers/present.js';

const PASSWORD = 'listen-carefully-2026';
const OUT = screenshotDir();
let app: TestApp;
let ui: InboxBrowser;
let browser: Browser;
let base: string;
let spike: SpikeRecord;

beforeAll(async () => {
  const passwordHash = await hashPassword(PASSWORD);
  const users = Object.entries(TOKENS).map(([role, token]) => ({
    name: role,
    role,
    token,
    ...(role === 'approver' ? { passwordHash } : {}),
  }));
  app = await testApp({ users });
  const now = Date.now();
  await feed(app.ctx, background(now - 60 * MIN, 30));
  const hostile = post(
    'hostile',
    'mallory',
    'checkin portal outage <img src=x onerror=alert(1)> <!channel>',
    now - 9 * MIN,
    'negative',
    'product_defect_outage',
  );
  await feed(app.ctx, [...storm(now - 20 * MIN, 60, 40, 19), hostile]);
  spike = present(nth(await sweepSpikes(app.ctx, now), 0).spike);
  ui = await openInbox(app.ctx);
  ({ browser, base } = ui);
});

afterAll(async () => {
  await ui?.close();
  await app?.close();
});

async function signedIn(): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 1100 } })).newPage();
  page.on('dialog', () => {
    throw new Error('a dialog opened: post text ran as code');
  });
  await submitLogin(page, base, 'approver', PASSWORD);
  return page;
}

const html = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Slack's mrkdwn escapes undone (as Slack shows them), then escaped again for HTML: a post's markup stays text. */
const shown = (mrkdwn: string): string => html(mrkdwn.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));

function blockHtml(raw: unknown): string {
  const b = raw as { type: string; text?: { text: string }; elements?: Array<{ text?: string | { text: string } }> };
  const style = `margin:6px 0;white-space:pre-wrap;${b.type === 'context' ? 'color:#616061;font-size:12px' : ''}`;
  if (b.type === 'actions')
    return `<div style="${style}">${(b.elements ?? []).map((e) => `<button style="margin-right:6px">${html(typeof e.text === 'object' ? e.text.text : '')}</button>`).join('')}</div>`;
  const text = b.text ? b.text.text : (b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : '')).join('   ');
  return `<div style="${style}">${shown(text)}</div>`;
}

describe('spikes in the inbox', () => {
  it('the queue shows a banner while the spike is open, and the spikes page explains it', async () => {
    const page = await signedIn();
    await page.waitForSelector('#spike-banner p');
    expect(await page.textContent('#spike-banner')).toContain('Spike open');
    await page.click('#spike-banner a');
    await page.waitForSelector('.spike-detail');
    const text = (await page.textContent('.spike-detail')) ?? '';
    expect(text).toMatch(/outage|checkin|portal/);
    expect(await page.$('main img')).toBeNull();
    expect(await page.$('.spike-chart polyline.observed')).not.toBeNull();
    await page.screenshot({ path: path.join(OUT, 'spikes-page.png'), fullPage: true });
    await page.click('text=Acknowledge');
    await page.waitForSelector('text=acknowledged by approver');
  });

  it('opened from the menu with no spike chosen, charts the brand of the newest spike', async () => {
    const page = await signedIn();
    await page.waitForSelector('#nav:not([hidden])');
    await page.click('#nav a[href="#/spikes"]');
    await page.waitForSelector('.spike-list .spike-row');
    expect(await page.textContent('#spikes-body .card h2')).toBe(`Last 48 hours · ${spike.brandId}`);
    expect(await page.$('#spikes-body .spike-chart polyline.observed')).not.toBeNull();
  });

  it('renders the Slack spike alert as Slack would show it (for the README), its text escaped', async () => {
    const { blocks } = spikeBlocks(spike, spikeText(app.config, spike), true);
    const page = await (await browser.newContext({ viewport: { width: 760, height: 700 } })).newPage();
    await page.setContent(
      `<body style="font:14px sans-serif;margin:16px"><div id="m" style="border-left:4px solid #e01e5a;padding:8px 12px">${blocks.map(blockHtml).join('')}</div></body>`,
    );
    expect(await page.$('#m img')).toBeNull();
    await page.screenshot({ path: path.join(OUT, 'slack-spike.png'), fullPage: true });
  });
});
