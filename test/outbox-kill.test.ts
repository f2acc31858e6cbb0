import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepOutbox } from '../src/publish/outbox.js';
import { pollSource } from '../src/listen/poll.js';
import { getItem, getItems, listItemIds } from '../src/store/inbox.js';
import { unsentOutbox } from '../src/store/outbox.js';
import { FakeMastodon } from './fakes/mastodon.js';
import { health, instanceConfig, runCli, type CliProcess } from './helpers/cli-process.js';
import { countingProxy, type CountingProxy } from './helpers/counting-proxy.js';
import { testApp, testPrefix, TOKENS, type TestApp } from './helpers/app.js';
import { waitFor } from './helpers/wait.js';
import { startAllWorkers } from './helpers/workers.js';
import { present } from './helpers/present.js';

/**
 * outbox.test.ts stops between the commit and the enqueue inside one process. Here a real
 * `earshot start --role api` approves a reply and is killed with SIGKILL at that point: its Redis
 * traffic goes through a proxy that holds it, so the approval commits in PostgreSQL while the
 * publish job it queues next is still in the proxy when the process dies. The other process's
 * outbox sweep must then post the reply, once.
 */
describe('outbox: an API process killed between the commit and the enqueue', () => {
  let fake: FakeMastodon;
  let app: TestApp;
  let proxy: CountingProxy;
  let api: CliProcess | undefined;
  let workers: { close(): Promise<void> };
  const prefix = testPrefix();
  let port = 0;

  beforeAll(async () => {
    fake = await FakeMastodon.start({ token: 'fake-token' });
    const sources = [
      { id: 'masto', kind: 'mastodon', brand: 'acme', interval: '1h', options: { instance: fake.url, token: 'fake-token' } },
    ];
    app = await testApp({ sources }, prefix);
    workers = startAllWorkers(app.ctx);
    proxy = await countingProxy(new URL(app.redisUrl));
    const inst = await instanceConfig({
      sources,
      redis: { prefix, url: proxy.url },
      database: { url: app.databaseUrl },
      inbox: { undoSeconds: 0 },
    });
    api = runCli(['start', '--role', 'api', '--config', inst.configFile]);
    port = inst.port;
    await waitFor('the API process to answer', async () => (await health(port))?.status === 200, 60_000);
  }, 90_000);

  afterAll(async () => {
    if (api && api.child.exitCode === null && api.child.signalCode === null) api.child.kill('SIGKILL');
    await proxy?.close();
    await workers?.close();
    await app?.close();
    await fake?.close();
  });

  it('the approval survives in PostgreSQL, the job it never queued is queued by the sweep, and the reply is posted once', async () => {
    const status = fake.status({
      text: '@AcmeAir my flight was cancelled and nobody answers, I want a refund',
      acct: 'killed@social.example',
    });
    fake.addMention(status);
    await pollSource(app.ctx, 'masto');
    const item = await waitFor('inbox item', async () =>
      (await getItems(app.ctx.db, await listItemIds(app.ctx.db, 50))).find((i) => i.createdAt === Date.parse(status.created_at)),
    );

    proxy.hold();
    const answer = fetch(`http://127.0.0.1:${port}/api/items/${item.id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.approver}`, 'content-type': 'application/json' },
      body: JSON.stringify({ draftVersion: item.draftVersion, acknowledgeWarnings: true }),
    }).catch(() => null);
    // Committed: the outbox row is there; not yet queued: the job's add is held in the proxy.
    const [row] = await waitFor('the approval committed with its outbox row', async () => {
      const rows = await unsentOutbox(app.ctx.db);
      return rows.find((r) => r.jobId.includes(item.id)) ? rows.filter((r) => r.jobId.includes(item.id)) : undefined;
    });
    await waitFor('the publish job on its way to Redis', async () => proxy.heldText().includes(present(row).jobId));
    present(api).child.kill('SIGKILL');
    expect((await present(api).exited).signal).toBe('SIGKILL');
    await proxy.close();
    expect(await answer).toBeNull();

    expect((await getItem(app.ctx.db, item.id))?.status).toBe('approved');
    expect(await app.ctx.queues.publish.getJob(present(row).jobId)).toBeUndefined();
    expect(await sweepOutbox(app.ctx, Date.now() + 60_000)).toBe(1);
    await waitFor('posted', async () => (await getItem(app.ctx.db, item.id))?.status === 'posted');
    expect(fake.replies.filter((r) => r.inReplyToId === status.id)).toHaveLength(1);
    expect(await sweepOutbox(app.ctx, Date.now() + 60_000)).toBe(0);
  });
});
