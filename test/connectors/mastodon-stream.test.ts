import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, TransientError } from '../../src/http/errors.js';
import { mastodonConnector } from '../../src/connectors/mastodon/connector.js';
import type { FetchResult, SourceClient } from '../../src/connectors/types.js';
import { mentionId } from '../../src/mention.js';
import { StreamRunner } from '../../src/listen/stream.js';
import { readSourceState } from '../../src/store/sources.js';
import { FakeMastodon, type FakeStatus } from '../fakes/mastodon.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { makeClient } from '../helpers/connector.js';
import { useFake } from '../helpers/fake.js';
import { waitFor } from '../helpers/wait.js';
import { startAllWorkers } from '../helpers/workers.js';
import { loadMentions, mentionIds } from '../../src/store/mentions.js';
import { authorHistory } from '../../src/store/authors.js';
import { nth, streamOf } from '../helpers/present.js';

const OPTIONS = { token: 'fake-token', mentions: true, hashtags: ['acmeair'] };

/** Runs a client's stream in the background, recording what it delivers. */
function listen(client: SourceClient) {
  const batches: FetchResult[] = [];
  let connects = 0;
  const controller = new AbortController();
  const done = streamOf(client)(
    null,
    { deliver: async (b) => void batches.push(b), connected: () => void (connects += 1) },
    controller.signal,
  );
  // Attach a handler now so an early failure is not reported as unhandled before the test awaits it.
  const settled = done.then(
    () => null,
    (err: unknown) => err,
  );
  return { batches, connects: () => connects, stop: () => controller.abort(), settled };
}

describe('mastodon connector: streaming', () => {
  const start = useFake((opts: Parameters<typeof FakeMastodon.start>[0] = {}) => FakeMastodon.start(opts));

  it('connects both streams with the token, delivers mentions and tagged posts one by one, ignores heartbeats and other notifications', async () => {
    const fake = await start({ heartbeatMs: 20 });
    const { client } = makeClient(mastodonConnector, { instance: fake.url, ...OPTIONS });
    const run = listen(client);
    await fake.waitForStreams(2);
    await waitFor('connected', () => run.connects() === 1);
    const streamRequests = fake.requests.filter((r) => r.path.startsWith('/api/v1/streaming/'));
    expect(streamRequests.map((r) => [r.path, r.query.toString()].join(' ').trim()).sort()).toEqual([
      '/api/v1/streaming/hashtag tag=acmeair',
      '/api/v1/streaming/user/notification',
    ]);
    expect(streamRequests.every((r) => r.headers['authorization'] === 'Bearer fake-token')).toBe(true);

    const mention = fake.status({ text: '@AcmeAir where is my bag' });
    fake.addMention(mention);
    fake.addNotification({ type: 'favourite', status: fake.status() });
    const thumps = fake.heartbeatsSent;
    await waitFor('a few heartbeats', () => fake.heartbeatsSent >= thumps + 4); // comments between events must not break the parser
    const tagged = fake.status({ text: 'flying #acmeair' });
    fake.addTagPost('acmeair', tagged);
    await waitFor('two batches', () => run.batches.length === 2);
    expect(run.batches.map((b) => b.mentions.map((m) => m.nativeId))).toEqual([[mention.uri], [tagged.uri]]);
    expect(run.batches.every((b) => b.cursor === null && b.rejected.length === 0)).toBe(true);
    expect(nth(nth(run.batches, 0).mentions, 0).text).toBe('@AcmeAir where is my bag');

    run.stop();
    expect(await run.settled).toBeNull();
    await waitFor('streams closed', () => fake.streamCount() === 0);
  });

  it('rejects a malformed streamed item with its reason and keeps listening', async () => {
    const fake = await start();
    const { client } = makeClient(mastodonConnector, { instance: fake.url, ...OPTIONS });
    const run = listen(client);
    await fake.waitForStreams(2);
    fake.pushRaw('hashtag:acmeair', 'update', '{"id": "1", "truncated');
    fake.addTagPost('acmeair', fake.malformedStatus({ account: { followers_count: 'lots' } }));
    const good = fake.status();
    fake.addTagPost('acmeair', good);
    await waitFor('three batches', () => run.batches.length === 3);
    expect(nth(nth(run.batches, 0).rejected, 0).reason).toMatch(/not valid JSON/);
    expect(nth(nth(run.batches, 1).rejected, 0).reason).toMatch(/followers_count/);
    expect(nth(run.batches, 2).mentions.map((m) => m.nativeId)).toEqual([good.uri]);
    run.stop();
    await run.settled;
  });

  it('throws TransientError when the server drops the connection, AuthError on 401, and offers no stream without a token', async () => {
    const fake = await start();
    const { client } = makeClient(mastodonConnector, { instance: fake.url, ...OPTIONS });
    const run = listen(client);
    await fake.waitForStreams(2);
    expect(fake.dropStreams()).toBe(2);
    expect(await run.settled).toBeInstanceOf(TransientError);

    const bad = makeClient(mastodonConnector, { instance: fake.url, ...OPTIONS, token: 'revoked' }).client;
    const denied = await listen(bad).settled;
    expect(denied).toBeInstanceOf(AuthError);
    expect((denied as Error).message).toMatch(/read:notifications/);

    fake.refuseStreams(true);
    expect(await listen(client).settled).toBeInstanceOf(TransientError);

    const tokenless = makeClient(mastodonConnector, { instance: fake.url, mentions: false, hashtags: ['acmeair'] }).client;
    expect(tokenless.stream).toBeUndefined();
    expect(mastodonConnector.capabilities.stream).toBe(true);
  });
});

describe('mastodon streaming through the StreamRunner (real redis, workers)', () => {
  let fake: FakeMastodon;
  let app: TestApp;
  let workers: { close(): Promise<void> };
  let runner: StreamRunner;
  const posted: FakeStatus[] = [];
  const startFake = useFake(() => FakeMastodon.start(), 'file');

  beforeAll(async () => {
    fake = await startFake();
    app = await testApp({
      sources: [{ id: 'masto', kind: 'mastodon', brand: 'acme', interval: '1h', options: { instance: fake.url, ...OPTIONS } }],
    });
    workers = startAllWorkers(app.ctx);
    runner = new StreamRunner(app.ctx);
  });

  afterAll(async () => {
    await runner.stop();
    await workers.close();
    await app.close();
  });

  const stored = async (s: FakeStatus) => (await loadMentions(app.ctx.db, [mentionId('mastodon', s.uri)])).size === 1;
  const mention = (text: string) => {
    const s = fake.status({ text, acct: `user${posted.length}@social.example` });
    posted.push(s);
    fake.addMention(s);
    return s;
  };
  const tagPost = (text: string) => {
    const s = fake.status({ text, acct: `user${posted.length}@social.example` });
    posted.push(s);
    fake.addTagPost('acmeair', s);
    return s;
  };

  it('stores a post pushed while connected through the stream, with no poll in between', async () => {
    tagPost('before we listened #acmeair');
    expect(runner.start()).toEqual(['masto']);
    await fake.waitForStreams(2);
    // The catch-up poll on connect backfills the newest page and sets the poll cursor.
    await waitFor('catch-up poll', async () => (await readSourceState(app.ctx.db, 'masto')).lastSuccessAt > 0);
    expect(await stored(nth(posted, 0))).toBe(true);

    // How fast is the bench's business (post → alert p99 when streaming); here it is that the
    // stream, not a poll (the interval is an hour), brought the post in.
    const polls = () => fake.requests.filter((r) => r.method === 'GET' && !r.path.startsWith('/api/v1/streaming/')).length;
    const pollsBefore = polls();
    const live = mention('@AcmeAir my flight was cancelled and nobody tells me anything');
    await waitFor('live post stored', () => stored(live), 5_000);
    expect(polls()).toBe(pollsBefore);
    const state = await readSourceState(app.ctx.db, 'masto');
    expect(state.streamConnected).toBe(true);
  });

  it('loses nothing and stores nothing twice when the connection drops while posts keep arriving', async () => {
    tagPost('streamed #acmeair');
    await waitFor('streamed post stored', () => stored(nth(posted, posted.length - 1)));

    // The streaming server goes away; posts keep arriving on the instance meanwhile.
    fake.refuseStreams(true);
    expect(fake.dropStreams()).toBe(2);
    const gap = [mention('@AcmeAir gap 1'), tagPost('gap 2 #acmeair'), mention('@AcmeAir gap 3')];
    await waitFor('stream marked down', async () => !(await readSourceState(app.ctx.db, 'masto')).streamConnected);
    // One more while the runner knows it is down and is retrying.
    gap.push(tagPost('gap 4 #acmeair'));
    expect(await Promise.all(gap.map(stored))).toEqual([false, false, false, false]);

    fake.refuseStreams(false);
    await fake.waitForStreams(2, 15_000);
    // The reconnect's catch-up poll reads the gap from the poll cursor.
    await waitFor('gap filled', async () => (await Promise.all(gap.map(stored))).every(Boolean), 15_000);
    const after = mention('@AcmeAir after the reconnect');
    await waitFor('post after reconnect stored', () => stored(after), 5_000);

    // Every post once: in the timeline once, and counted once for its author.
    const ids = posted.map((s) => mentionId('mastodon', s.uri));
    const timeline = await mentionIds(app.ctx.db);
    expect(timeline.sort()).toEqual([...ids].sort());
    for (const s of posted) {
      expect((await authorHistory(app.ctx.db, { platform: 'mastodon', authorId: s.account.id })).profile?.mentions).toBe(1);
    }
  });
});
