import { Queue, Worker } from 'bullmq';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { createRedis } from '../src/redis/connection.js';
import { triage } from '../src/triage/index.js';
import type { Mention } from '../src/mention.js';
import { mentionId } from '../src/mention.js';

/** Bare wink-nlp: read each text and take its sentiment, on this one core. */
export function winkPostsPerSecond(texts: string[], seconds = 3): number {
  const nlp = winkNLP(model, ['sbd', 'negation', 'sentiment']);
  let n = 0;
  const started = process.hrtime.bigint();
  const budget = BigInt(seconds * 1e9);
  while (process.hrtime.bigint() - started < budget) {
    nlp.readDoc(texts[n % texts.length] ?? '').out(nlp.its.sentiment);
    n += 1;
  }
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Earshot's whole triage() per post, on this one core (what the triage worker spends per mention). */
export function triagePostsPerSecond(texts: string[], seconds = 3): number {
  const brand = { id: 'acme', name: 'Acme Air', keywords: ['acme air'], handles: ['@AcmeAir'], hashtags: ['acmeair'] };
  const author = { priorMentions: 0, recentMentions: 0, priorComplaints: 0, repliesSent: 0 };
  const mentions: Mention[] = texts.slice(0, 2000).map((text, i) => ({
    id: mentionId('bench', String(i)),
    platform: 'bench',
    sourceId: 's',
    brandId: 'acme',
    nativeId: String(i),
    url: null,
    text,
    lang: 'en',
    createdAt: new Date().toISOString(),
    author: { id: 'a', handle: 'a', name: 'A', followers: 100, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: {},
  }));
  // The first calls load the model and warm the JIT (the first 3 s measured 548 posts/s, the
  // next 2 s 2,406, then 3,932, on the same loaded machine): measured only after a second of them.
  for (let w = 0, until = Date.now() + 1000; Date.now() < until; w += 1)
    triage(mentions[w % mentions.length] as Mention, { brand, author });
  let n = 0;
  const started = process.hrtime.bigint();
  const budget = BigInt(seconds * 1e9);
  while (process.hrtime.bigint() - started < budget) {
    triage(mentions[n % mentions.length] as Mention, { brand, author });
    n += 1;
  }
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Bare BullMQ on the same redis-server: no-op jobs through one worker, added in bulk. */
export async function bullmqNoopJobsPerSecond(redisUrl: string, jobs = 20_000): Promise<number> {
  const connection = createRedis(redisUrl);
  const queue = new Queue('bench-noop', { connection, prefix: 'benchnoop' });
  let done = 0;
  let resolveAll: () => void = () => undefined;
  const all = new Promise<void>((r) => (resolveAll = r));
  const worker = new Worker('bench-noop', async () => undefined, { connection, prefix: 'benchnoop', concurrency: 50, autorun: false });
  worker.on('completed', () => {
    done += 1;
    if (done === jobs) resolveAll();
  });
  for (let i = 0; i < jobs; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, jobs - i) }, () => ({ name: 'noop', data: {}, opts: { removeOnComplete: true } })),
    );
  }
  const started = Date.now();
  void worker.run();
  await all;
  const rate = jobs / ((Date.now() - started) / 1000);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  return rate;
}
