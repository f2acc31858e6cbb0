/**
 * The README's spike screenshots, from the real thing: `npx tsx bench/spikes-screens.ts`.
 * Embedded PostgreSQL and Redis, a day and a half of ordinary posts and then an outage storm
 * put through the triage job (triage, spike counting, routing into the inbox), the spikes job's
 * sweep, the alert posted by the bot to a fake Slack (test/fakes/slack.ts, Slack's wire format),
 * then Chromium: the Spikes page as an approver sees it (docs/spikes-page.png) and the Block Kit
 * message the fake Slack received, drawn the way Slack draws it (docs/slack-spike-alert.png).
 */
import path from 'node:path';
import { hashPassword } from '../src/admin/password.js';
import { buildServer } from '../src/api/server.js';
import { toMention, type Mention } from '../src/mention.js';
import { triageBatch } from '../src/route/triage-batch.js';
import { TRIAGE_BATCH } from '../src/listen/poll.js';
import { sweepSpikes } from '../src/alerts/spikes/sweep.js';
import { ingestMentions } from '../src/store/mentions.js';
import { FakeSlack } from '../test/fakes/slack.js';
import { launchChromium } from '../test/helpers/browser.js';
import { nth } from '../test/helpers/present.js';
import { slackHtml } from './spikes-slack-html.js';
import { startBenchStack } from './stack.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const PASSWORD = 'screenshots-only-2026';
const DOCS = path.resolve('docs');

const CHATTER = [
  'Smooth boarding at gate 14 this morning, thanks crew',
  'What time does the Terminal 2 lounge open?',
  'Seat upgrade went through, lovely',
  'Is there a student discount on the Lisbon route?',
  'My bag came out first for once',
  'Coffee on the 7am flight was actually good',
  'Can I add a frequent flyer number after booking?',
  'Pilot announcements were funny today',
  'Landed early in Porto, nice',
  'Do you fly to Madeira in winter?',
  'The new app looks cleaner',
  'Friendly check-in staff in Faro',
];
const STORM = [
  'Acme Air app down again, cannot check in for my 18:40 flight',
  'The Acme Air app crashes at check-in, boarding pass will not load',
  '@AcmeAir app outage?? Check-in page just spins',
  'Check-in broken on the Acme Air app and the website, what is going on',
  '@AcmeAir your app says error 503 at check-in, flight leaves in an hour',
  'App outage at Acme Air: no boarding passes anywhere',
  'is the acme air app down for everyone? check-in fails every time',
  '@AcmeAir website and app both down, cannot check in online',
];

function mention(n: string, author: string, text: string, at: number, followers: number): Mention {
  const built = toMention({
    platform: n.startsWith('s') ? 'bluesky' : 'mastodon',
    sourceId: 'social',
    brandId: 'acme',
    nativeId: n,
    url: `https://social.example/@${author}/${n}`,
    text,
    lang: 'en',
    createdAt: new Date(at).toISOString(),
    author: { id: author, handle: author, name: author, followers, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: { statusId: n },
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

function posts(now: number): Mention[] {
  const out: Mention[] = [];
  // Thirty-six hours of ordinary traffic, busier by day, from many people.
  for (let t = now - 36 * HOUR, i = 0; t < now - 25 * MIN; t += 6 * MIN, i += 1) {
    const hour = new Date(t).getUTCHours();
    if (hour < 6 && i % 3 !== 0) continue;
    out.push(mention(`b${i}`, `traveller${i % 211}`, nth(CHATTER, i % CHATTER.length), t, 80 + ((i * 37) % 900)));
  }
  // The storm: 70 posts by 52 people over the last 20 minutes.
  for (let i = 0; i < 70; i += 1)
    out.push(mention(`s${i}`, `flyer${i % 52}`, nth(STORM, i % STORM.length), now - 20 * MIN + i * 17_000, 40 + ((i * 131) % 5_000)));
  return out;
}

async function main(): Promise<void> {
  const slack = await new FakeSlack().start();
  const raw = {
    brands: [{ id: 'acme', name: 'Acme Air', keywords: ['acme air', 'acmeair'], handles: ['@AcmeAir'], hashtags: ['acmeair'] }],
    chat: [
      {
        id: 'care-slack',
        kind: 'slack',
        webhookUrl: slack.url,
        botToken: 'xoxb-screens-0123456789',
        channel: 'C024BE91L',
        apiUrl: slack.apiUrl,
        signingSecret: 'screens_signing_secret_0123456789',
      },
    ],
    spikes: { destinations: ['care-slack'] },
    playbook: { templates: { default: 'Hi {name}, thanks for reaching out to {brand}.' } },
    users: [{ name: 'approver', role: 'approver', passwordHash: await hashPassword(PASSWORD) }],
  };
  const stack = await startBenchStack('screens', raw);
  const { ctx } = stack;
  const server = await buildServer(ctx);
  const browser = await launchChromium();
  try {
    const now = Date.now();
    const all = posts(now);
    // Through the triage job as the workers run it: triage, spike counts, routing into the inbox.
    await ingestMentions(ctx.db, all);
    for (let i = 0; i < all.length; i += TRIAGE_BATCH)
      await triageBatch(
        ctx,
        all.slice(i, i + TRIAGE_BATCH).map((m) => m.id),
      );
    const [result] = await sweepSpikes(ctx, now);
    if (!result?.spike) throw new Error(`no spike found (${result?.action ?? 'no result'})`);
    console.log(`${result.action}: ${result.spike.explanation.summary}`);
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${base}/`);
    await page.fill('#login-name', 'approver');
    await page.fill('#login-password', PASSWORD);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#spike-banner p');
    await page.click('#spike-banner a');
    await page.waitForSelector('.spike-detail');
    await page.screenshot({ path: path.join(DOCS, 'spikes-page.png'), fullPage: true });

    const posted = slack.api.find((c) => c.method === 'chat.postMessage');
    if (!posted) throw new Error('the bot posted nothing to the fake Slack');
    const slackPage = await (await browser.newContext({ viewport: { width: 820, height: 400 } })).newPage();
    await slackPage.setContent(slackHtml(posted.body['blocks'] as unknown[], 'Earshot', new Date(now)));
    await slackPage.screenshot({ path: path.join(DOCS, 'slack-spike-alert.png'), fullPage: true });
    console.log('wrote docs/spikes-page.png and docs/slack-spike-alert.png');
  } finally {
    await browser.close();
    await server.close();
    await stack.close();
    await slack.close();
  }
}

await main();
