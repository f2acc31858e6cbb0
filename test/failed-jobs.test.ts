import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context.js';
import { MAX_REVIVALS, reconcileFailedJobs } from '../src/jobs/failed-jobs.js';
import { startWorker, type WorkerDefinition } from '../src/app/runner.js';
import { toMention, type Mention } from '../src/mention.js';
import { createPool } from '../src/postgres/pool.js';
import { listDeadLetters } from '../src/store/dead-letter.js';
import { getItem } from '../src/store/inbox.js';
import { ingestMentions, loadMentions } from '../src/store/mentions.js';
import { triageWorker } from '../workers/triage.js';
import { testApp, type TestApp } from './helpers/app.js';
import { waitFor } from './helpers/wait.js';

let app: TestApp;
/** The same installation while PostgreSQL is down: its pool points where nothing listens. */
let down: AppContext;
const workers: Worker[] = [];

function post(n: number): Mention {
  const built = toMention({
    platform: 'mastodon',
    sourceId: 'src',
    brandId: 'acme',
    nativeId: `outage-${n}`,
    url: null,
    text: `@AcmeAir my flight was cancelled and nobody answers, third hour waiting (${n})`,
    lang: 'en',
    createdAt: new Date().toISOString(),
    author: { id: `p${n}`, handle: `p${n}`, name: `P ${n}`, followers: 10, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: { statusId: `outage-${n}` },
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

function worker(ctx: AppContext): Worker {
  const w = startWorker(triageWorker as unknown as WorkerDefinition, ctx, ctx.redis);
  workers.push(w);
  return w;
}

/** A triage job with a short retry schedule, run by a worker that cannot reach PostgreSQL until every attempt is spent. */
async function exhaustedDuringOutage(mention: Mention): Promise<string> {
  const job = await app.ctx.queues.triage.add(
    'triage',
    { mentionIds: [mention.id] },
    { attempts: 2, backoff: { type: 'fixed', delay: 20 } },
  );
  await waitFor('the job to use up its attempts', async () => (await job.getState()) === 'failed', 20_000);
  return String(job.id);
}

beforeAll(async () => {
  app = await testApp();
  down = { ...app.ctx, db: createPool('postgresql://earshot@127.0.0.1:1/earshot', { max: 2 }) };
});

afterAll(async () => {
  for (const w of workers) await w.close();
  await down?.db.end();
  await app?.close();
});

describe('jobs that ran out of attempts during an outage', () => {
  it('are run again once PostgreSQL is back and a worker restarted, and the batch is routed', async () => {
    const mention = post(1);
    await ingestMentions(app.ctx.db, [mention]);
    const outage = worker(down);
    const jobId = await exhaustedDuringOutage(mention);
    // The process that saw the outage goes; a new one starts with the database reachable.
    await outage.close();
    worker(app.ctx);
    expect(await reconcileFailedJobs(app.ctx, { minAgeMs: 0 })).toEqual({ revived: 1, deadLettered: 0 });
    await waitFor(
      'the revived batch to be routed',
      async () => (await loadMentions(app.ctx.db, [mention.id])).get(mention.id)?.stage === 'routed',
      20_000,
    );
    expect(await getItem(app.ctx.db, mention.id)).toMatchObject({ status: 'new', priority: expect.any(String) });
    await waitFor('the revived job to complete', async () => (await app.ctx.queues.triage.getJobState(jobId)) === 'completed');
    expect(await app.ctx.queues.triage.getFailedCount()).toBe(0);
  });

  it('a job that keeps failing is dead-lettered with its last error after the revivals, and leaves the failed list', async () => {
    for (const w of workers.splice(0)) await w.close();
    const mention = post(2);
    await ingestMentions(app.ctx.db, [mention]);
    worker(down);
    const jobId = await exhaustedDuringOutage(mention);
    for (let i = 0; i < MAX_REVIVALS; i += 1) {
      expect(await reconcileFailedJobs(app.ctx, { minAgeMs: 0 })).toEqual({ revived: 1, deadLettered: 0 });
      await waitFor('the revived job to fail again', async () => (await app.ctx.queues.triage.getJobState(jobId)) === 'failed', 20_000);
    }
    expect(await reconcileFailedJobs(app.ctx, { minAgeMs: 0 })).toEqual({ revived: 0, deadLettered: 1 });
    expect(await app.ctx.queues.triage.getFailedCount()).toBe(0);
    const [letter] = await listDeadLetters(app.ctx.redis, app.ctx.keys, 5);
    expect(letter).toMatchObject({ origin: 'job:triage' });
    expect(letter?.reason).toContain(`job triage#${jobId} failed after ${MAX_REVIVALS} revivals`);
    expect(JSON.parse(letter?.payload ?? '{}')).toEqual({ mentionIds: [mention.id] });
  });
});
