import { rmSync } from 'node:fs';
import type { Worker } from 'bullmq';
import { syncSchedulers } from '../src/app/scheduler.js';
import { startWorker, type WorkerDefinition } from '../src/app/runner.js';
import { listDeadLetters } from '../src/store/dead-letter.js';
import { readSourceState } from '../src/store/sources.js';
import { FakeMastodon } from '../test/fakes/mastodon.js';
import { FakeSlack } from '../test/fakes/slack.js';
import { allWorkers } from '../workers/index.js';
import { chaosConfig, log, sleep, tempDir, waitFor, type Report } from './common.js';
import { openControl, RedisServer, type Control } from './procs.js';
import { RecordingProxy } from './proxy.js';
import { countMentions, loadMentions, mentionIds } from '../src/store/mentions.js';

const FEED = '/api/v1/notifications';

export interface Platform {
  fake: FakeMastodon;
  proxy: RecordingProxy;
  slack: FakeSlack;
  control: Control;
  workers: Worker[];
  /** Publishes one mention and resolves once it is stored, or routed too (ok false on timeout), with the time it took. */
  flows(text: string, opts?: { timeoutMs?: number; followers?: number; routed?: boolean }): Promise<{ ok: boolean; ms: number }>;
  close(): Promise<void>;
}

/** A FakeMastodon behind the recording proxy, a fake Slack, and the workers in this process (cheaper than spawning). */
export async function openPlatform(label: string, chatUrl?: string): Promise<Platform> {
  const dir = tempDir(label);
  const redis = await new RedisServer(dir).start();
  const fake = await FakeMastodon.start({ token: 'fake-token' });
  const proxy = await new RecordingProxy(fake.url).start();
  const chat = await new FakeSlack().start();
  const control = await openControl(chaosConfig(label, proxy.url, chatUrl ?? chat.url, { timeoutMs: 1_500 }), redis.url, dir);
  const { ctx } = control;
  const workers = allWorkers.map((def) => startWorker(def as unknown as WorkerDefinition, ctx, ctx.redis));
  await syncSchedulers(ctx);
  await waitFor(async () => (await readSourceState(ctx.db, 'masto')).cursor !== null, 20_000);
  let n = 0;
  return {
    fake,
    proxy,
    slack: chat,
    control,
    workers,
    async flows(text, opts = {}) {
      const before = await countMentions(ctx.db);
      const at = Date.now();
      fake.addMention(fake.status({ text: `${text} #${(n += 1)}`, acct: `p${n}@remote.example`, followers: opts.followers ?? 120 }));
      const done = async () => {
        if ((await countMentions(ctx.db)) <= before) return false;
        if (!opts.routed) return true;
        const [newest] = (await mentionIds(ctx.db)).slice(-1);
        return (await loadMentions(ctx.db, [newest ?? ''])).get(newest ?? '')?.stage === 'routed';
      };
      const ok = await waitFor(done, opts.timeoutMs ?? 15_000, 20);
      return { ok, ms: Date.now() - at };
    },
    async close() {
      await Promise.all(workers.map((w) => w.close(true)));
      await control.close();
      await proxy.close();
      await fake.close();
      await chat.close();
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** 429 with X-RateLimit-Reset, 429 with only Retry-After, 500s, a hung request, truncated JSON, wrong types, an expired token. */
export async function faultyPlatform(report: Report): Promise<void> {
  const p = await openPlatform('faults');
  log('faulty platform: FakeMastodon behind a recording proxy, workers in-process, polling every 1 s');
  try {
    await rateLimited(report, p, 'X-RateLimit-Reset', (reset) => p.fake.rateLimitNext(1, { reset, path: FEED }));
    await rateLimited(report, p, 'Retry-After', (reset) =>
      p.proxy.inject(
        429,
        '{"error":"Too many requests"}',
        { 'retry-after': String(Math.ceil((reset.getTime() - Date.now()) / 1000)) },
        FEED,
      ),
    );
    await recovers(report, p, 'two HTTP 500s', () => p.fake.failNext(500, { error: 'Internal server error' }, { times: 2, path: FEED }));
    await recovers(report, p, 'a request that never answers (timeout 1.5 s)', () => p.proxy.stallNext(1, FEED));
    await recovers(report, p, 'truncated JSON', () =>
      p.fake.failNext(200, '[{"id":"1234","type":"mention","status":{"id":"11', { path: FEED }),
    );
    await wrongTypes(report, p);
    await expiredToken(report, p);
  } finally {
    await p.close();
  }
}

async function rateLimited(report: Report, p: Platform, header: string, arm: (reset: Date) => void): Promise<void> {
  const armedAt = Date.now();
  const reset = new Date(armedAt + 4_000);
  arm(reset);
  const hit = await waitFor(async () => p.proxy.since(armedAt, FEED).some((e) => e.status === 429), 5_000, 20);
  const limitedAt = p.proxy.since(armedAt, FEED).find((e) => e.status === 429)?.at ?? armedAt;
  await sleep(Math.max(0, reset.getTime() - Date.now()) + 3_000);
  const early = p.proxy.log.filter((e) => e.at > limitedAt && e.at < reset.getTime()).length;
  const next = p.proxy.log.find((e) => e.at >= reset.getTime());
  report.check(
    `faults: 429 with ${header}: no request before the reset`,
    hit && early === 0 && next !== undefined,
    `429 at +${limitedAt - armedAt} ms, reset at +${reset.getTime() - armedAt} ms; ${early} requests in between; next request ${next ? `${next.at - reset.getTime()} ms after the reset` : 'never (within 3 s)'}`,
  );
}

async function recovers(report: Report, p: Platform, what: string, arm: () => void): Promise<void> {
  const { ctx } = p.control;
  const armedAt = Date.now();
  // A success clears lastError, so sample it while the fault is live to see what was recorded.
  let seen = '';
  const sampler = setInterval(() => {
    void readSourceState(ctx.db, 'masto').then((s) => {
      if (!seen && s.lastErrorAt >= armedAt && s.lastError) seen = s.lastError;
    });
  }, 25);
  arm();
  const flowed = await p.flows(`@AcmeAir checking in after ${what}`, { timeoutMs: 25_000 });
  clearInterval(sampler);
  const state = await readSourceState(ctx.db, 'masto');
  const errors = p.proxy.since(armedAt, FEED).filter((e) => e.status !== 200).length;
  report.check(
    `faults: ${what}: recorded, retried, nothing lost`,
    flowed.ok && seen !== '' && state.healthy,
    `${errors} non-200 answer(s); error recorded: "…${seen.slice(-80)}"; the post behind it stored after ${flowed.ms} ms; health ${state.healthy ? 'green again' : 'red'}`,
  );
}

async function wrongTypes(report: Report, p: Platform): Promise<void> {
  const { ctx } = p.control;
  const since = Date.now();
  p.fake.addMention(p.fake.malformedStatus({ id: 12345, content: 42 }));
  p.fake.addMention(p.fake.malformedStatus({ account: { followers_count: 'many', acct: null }, created_at: 'yesterday' }));
  const flowed = await p.flows('@AcmeAir a well-formed post next to broken ones');
  await waitFor(
    async () => (await listDeadLetters(ctx.redis, ctx.keys, 20)).filter((d) => Date.parse(d.at) >= since - 1000).length >= 2,
    10_000,
  );
  const dead = (await listDeadLetters(ctx.redis, ctx.keys, 20)).filter((d) => Date.parse(d.at) >= since - 1000);
  report.check(
    'faults: wrong types dead-lettered with reasons, good posts still flow',
    dead.length >= 2 && dead.every((d) => d.reason.length > 0) && flowed.ok,
    `${dead.length} dead letters: ${dead.map((d) => `[${d.origin}] ${d.reason.slice(0, 70)}`).join(' | ')}`,
  );
}

async function expiredToken(report: Report, p: Platform): Promise<void> {
  const { ctx } = p.control;
  const since = Date.now();
  const slackBefore = p.slack.posts.length;
  p.fake.failNext(401, { error: 'The access token is invalid' }, { times: 1_000, path: FEED });
  const red = await waitFor(async () => !(await readSourceState(ctx.db, 'masto')).healthy, 10_000, 50);
  const state = await readSourceState(ctx.db, 'masto');
  report.check(
    'faults: expired token turns health red',
    red,
    `healthy=${state.healthy} after ${Date.now() - since} ms; stoppedReason "${state.stoppedReason.slice(0, 80)}"`,
  );
  const alerted = await waitFor(async () => p.slack.posts.slice(slackBefore).some((x) => /token|stopped/i.test(x.raw)), 15_000, 50);
  const alert = p.slack.posts.slice(slackBefore).find((x) => /token|stopped/i.test(x.raw));
  report.check(
    'faults: auth failure alerts the chat',
    alerted,
    alert ? `Slack got it ${alert.at - since} ms after the first 401` : 'no Slack message within 15 s',
  );
  const stoppedAt = Date.now();
  await sleep(3_000);
  const after = p.proxy.since(stoppedAt, FEED).length;
  report.check(
    'faults: a stopped source stops asking',
    after === 0,
    `${after} requests in the 3 s after the stop (scheduled polls run every 1 s)`,
  );
}
