import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSpikes } from '../../src/alerts/spikes/sweep.js';
import { FakeDiscord } from '../fakes/discord.js';
import { FakeTeams } from '../fakes/teams.js';
import { FakeWebhookReceiver } from '../fakes/webhook.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { nth, present } from '../helpers/present.js';
import { background, feed, HOUR, MIN, post, storm, T0 } from './fixtures.js';

// A spike alert in each chat kind that cannot edit a message: Discord, Teams and a signed webhook. Each hears the
// opening and the end once, never once per sweep while the storm goes on (Slack's edits: slack-buttons.test.ts).

const SECRET = 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
let app: TestApp;
let discord: FakeDiscord;
let teams: FakeTeams;
let hook: FakeWebhookReceiver;

beforeAll(async () => {
  [discord, teams, hook] = await Promise.all([new FakeDiscord().start(), new FakeTeams().start(), new FakeWebhookReceiver(SECRET).start()]);
  app = await testApp({
    spikes: { minAuthors: 8, cooldown: '2h' },
    chat: [
      { id: 'disc', kind: 'discord', webhookUrl: discord.url },
      { id: 'teams', kind: 'teams', webhookUrl: teams.url },
      { id: 'hook', kind: 'webhook', webhookUrl: hook.url, secret: SECRET },
    ],
  });
  await feed(app.ctx, background(T0, 30));
}, 60_000);

afterAll(async () => {
  await app?.close();
  await Promise.all([discord?.close(), teams?.close(), hook?.close()]);
});

describe('spike alerts to Discord, Teams and a signed webhook', () => {
  it('one message each when it opens, when it grows a level and when it ends; none for the sweeps between', async () => {
    const { ctx } = app;
    // One storm post carries Discord markup and a mass mention: it must arrive inert.
    await feed(ctx, [
      ...storm(T0, 60, 40, 20),
      post(
        'hostile',
        'mallory',
        'the app outage again, checkin portal down @everyone **now** [login](https://evil.example)',
        T0 + 9.5 * MIN,
        'negative',
        'product_defect_outage',
      ),
    ]);
    expect(nth(await sweepSpikes(ctx, T0 + 10 * MIN), 0).spike?.severity).toBe('major');
    expect([discord.requests.length, teams.requests.length, hook.requests.length]).toEqual([1, 1, 1]);

    const content = String((nth(discord.requests, 0).body as { content: string }).content);
    expect(content).toMatch(/outage|checkin|portal/);
    expect(content).toContain('mallory');
    expect(content).not.toContain('@everyone');
    expect(content).not.toContain('**now**');
    expect(nth(discord.requests, 0).body).toMatchObject({ allowed_mentions: { parse: [] } });
    const card = nth(teams.requests, 0).body as { attachments: Array<{ content: { body: Array<{ text: string }>; actions: unknown[] } }> };
    expect(present(card.attachments[0]).content.actions).toEqual([
      expect.objectContaining({ type: 'Action.OpenUrl', title: 'Open in Earshot' }),
    ]);
    const opened = nth(hook.requests, 0);
    expect(hook.verify(opened)).toBe(true);
    expect(opened.body).toMatchObject({ type: 'spike.opened', data: { brand: 'acme', status: 'open' } });

    // It grows a level: one more message each, saying so.
    const grown = nth(await sweepSpikes(ctx, T0 + 20 * MIN), 0);
    expect([grown.action, grown.spike?.severity]).toEqual(['updated', 'critical']);
    expect([discord.requests.length, teams.requests.length, hook.requests.length]).toEqual([2, 2, 2]);
    expect(nth(hook.requests, 1).body).toMatchObject({ type: 'spike.updated', data: { severity: 'critical' } });
    // Further sweeps while it goes on, at that level or below: nothing new anywhere.
    for (const at of [25, 30, 40]) expect(nth(await sweepSpikes(ctx, T0 + at * MIN), 0).action).toBe('updated');
    expect([discord.requests.length, teams.requests.length, hook.requests.length]).toEqual([2, 2, 2]);

    expect(nth(await sweepSpikes(ctx, T0 + 4 * HOUR), 0).action).toBe('closed');
    expect([discord.requests.length, teams.requests.length, hook.requests.length]).toEqual([3, 3, 3]);
    const closed = nth(hook.requests, 2);
    expect(hook.verify(closed)).toBe(true);
    expect(closed.body).toMatchObject({ type: 'spike.closed', data: { status: 'closed' } });
    // A new revision is a new message id: a receiver deduplicating by id keeps both.
    expect(closed.headers['webhook-id']).not.toBe(opened.headers['webhook-id']);
  });
});
