import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mentionId } from '../../src/mention.js';
import { StreamRunner } from '../../src/listen/stream.js';
import { loadMentions } from '../../src/store/mentions.js';
import { FakeBluesky, type FakePost } from '../fakes/bluesky.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { useFake } from '../helpers/fake.js';
import { waitFor } from '../helpers/wait.js';
import { mentionIds } from '../../src/store/mentions.js';
import { readStreamCursor } from '../../src/store/sources.js';
import { nth } from '../helpers/present.js';

describe('bluesky Jetstream stream: a dropped connection loses nothing', () => {
  let fake: FakeBluesky;
  let app: TestApp;
  let runner: StreamRunner;
  const startFake = useFake(() => FakeBluesky.start(), 'file');

  beforeAll(async () => {
    fake = await startFake();
    app = await testApp({
      sources: [
        {
          id: 'bsky',
          kind: 'bluesky',
          brand: 'acme',
          interval: '1h',
          options: { service: fake.url, identifier: fake.identifier, appPassword: fake.password, jetstreamUrl: fake.jetstreamUrl },
        },
      ],
    });
    runner = new StreamRunner(app.ctx);
  });

  afterAll(async () => {
    await runner.stop();
    await app.close();
  });

  const stored = async () => (await mentionIds(app.ctx.db)).sort();
  const idsOf = (posts: FakePost[]) => posts.map((p) => mentionId('bluesky', p.uri)).sort();

  it('reconnects from the last cursor, gets the replay and stores every brand post exactly once', async () => {
    expect(runner.start()).toEqual(['bsky']);
    await waitFor('the first Jetstream connection', () => fake.jetstreamConnections.length === 1);
    expect(fake.jetstreamConnections[0]).toEqual({ cursor: null, wantedCollections: ['app.bsky.feed.post'] });

    const before = [
      fake.post({ text: 'Acme Air lost my bag' }),
      fake.post({ text: 'thanks @AcmeAir.bsky.social' }),
      fake.post({ text: 'flying #acmeair' }),
    ];
    fake.emitPost(nth(before, 0));
    fake.emitPost(fake.post({ text: 'unrelated cat picture' }));
    fake.emitPost(nth(before, 1));
    fake.emit({ did: 'did:plc:someone', kind: 'identity', identity: { did: 'did:plc:someone', handle: 'someone.bsky.social' } });
    const lastBeforeDrop = fake.emitPost(nth(before, 2));
    await waitFor('the first three posts stored', async () => (await stored()).length === 3);
    await waitFor('the cursor saved', async () => (await readStreamCursor(app.ctx.db, 'bsky')) === String(lastBeforeDrop));

    fake.dropJetstream();
    // Posted while nobody listens: only the replay from the cursor can bring these in.
    const during = [fake.post({ text: 'acme air where is my refund' }), fake.post({ text: 'Acme Air delayed again' })];
    during.forEach((p) => fake.emitPost(p));

    await waitFor('the reconnect', () => fake.jetstreamConnections.length === 2, 10_000);
    // Resumed a few seconds before the last delivered event, so the replay overlaps on purpose.
    expect(Number(nth(fake.jetstreamConnections, 1).cursor)).toBe(lastBeforeDrop - 5_000_000);
    await waitFor('all five posts stored', async () => (await stored()).length === 5);

    const after = fake.post({ text: 'acme air live again' });
    fake.emitPost(after);
    await waitFor('the live post stored', async () => (await stored()).length === 6);

    const all = [...before, ...during, after];
    expect(await stored()).toEqual(idsOf(all));
    const mentions = await loadMentions(app.ctx.db, idsOf(all));
    expect([...mentions.values()].map((m) => m.mention.nativeId).sort()).toEqual(all.map((p) => p.uri).sort());
    expect([...mentions.values()].every((m) => m.mention.author.handle.startsWith('did:plc:') && m.mention.author.followers === null)).toBe(
      true,
    );
  });
});
