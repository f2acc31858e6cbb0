import path from 'node:path';
import { syncSchedulers } from '../src/app/scheduler.js';
import { readSourceState } from '../src/store/sources.js';
import { FakeSlack } from '../test/fakes/slack.js';
import { GeneratedMastodon } from '../bench/generated-mastodon.js';
import { chaosConfig, log, replayTexts, sleep, URGENT, waitFor, type Report } from './common.js';
import { openControl, WorkerPool, type Control } from './procs.js';
import { RecordingProxy, tightestSpan } from './proxy.js';
import { approveUrgent, auditStore, checkReplay, pipelineIdle, publishesSettled } from './verify.js';
import { countMentions } from '../src/store/mentions.js';

/** How far a request's arrival may trail the limiter's token; see checkBudget. */
const SEND_LAG_MS = 300;

export interface ReplayOptions {
  label: string;
  redisUrl: string;
  prefix: string;
  dir: string;
  workers: number;
  rounds: number;
  /** Posts published per second while the rounds run. */
  rate: number;
  /** A low per-token request budget, checked afterwards against the platform's request log. */
  budget?: { limit: number; windowMs: number };
  /** PostgreSQL with fsync and synchronous commit, for scenarios that stop it. */
  durablePostgres?: boolean;
}

export interface Running {
  fake: GeneratedMastodon;
  proxy: RecordingProxy;
  slack: FakeSlack;
  control: Control;
  pool: WorkerPool;
  approved: Set<string>;
}

/**
 * Publishes continuously and approves urgent items while, every round, a random worker process
 * gets SIGKILL at a random moment and a replacement starts. Then it lets the pipeline drain and
 * checks that nothing was lost, nothing stored twice, and no reply posted twice.
 */
export async function killReplay(report: Report, o: ReplayOptions): Promise<void> {
  const r = await setUp(o);
  const started = Date.now();
  try {
    const stop = keepBusy(r, o.rate);
    for (let round = 1; round <= o.rounds; round += 1) {
      await sleep(800 + Math.random() * 2_400);
      const pid = r.pool.killRandom();
      r.pool.spawn();
      if (round % 5 === 0 || round === o.rounds)
        log(`${o.label}: round ${round}/${o.rounds}: killed ${pid}; ${r.fake.published} published, ${r.approved.size} approved`);
    }
    await stop();
    // Idle queues are not enough: mentions a killed poll stored but never handed on wait for the re-fetch.
    const drained = await waitFor(
      async () =>
        (await countMentions(r.control.ctx.db)) >= r.fake.published &&
        (await pipelineIdle(r.control.ctx)) &&
        (await publishesSettled(r.control.ctx, r.approved)) &&
        (await auditStore(r.control.ctx)).notRouted === 0,
      150_000,
      1_000,
    );
    const seconds = (Date.now() - started) / 1000;
    const audit = await auditStore(r.control.ctx);
    report.check(
      `${o.label}: pipeline drained after ${r.pool.kills} kill -9 (${o.workers} workers)`,
      drained,
      `${r.fake.published} posts in ${seconds.toFixed(0)} s (${(audit.timeline / seconds).toFixed(0)} stored/s incl. drain), ${r.pool.kills} workers killed`,
    );
    const replies = [...r.proxy.replies.values()].map((x) => x.inReplyToId);
    const posts = r.proxy.log.filter((e) => e.method === 'POST').length;
    await checkReplay(report, o.label, r.control.ctx, r.fake.published, replies, r.approved, posts);
    if (o.budget) checkBudget(report, o.label, r.proxy, o.budget);
  } finally {
    await tearDown(r);
  }
}

export async function setUp(o: Omit<ReplayOptions, 'rounds' | 'rate'>): Promise<Running> {
  const fake = await new GeneratedMastodon(replayTexts()).start();
  const proxy = await new RecordingProxy(fake.url).start();
  proxy.answerReplies = true;
  // A reply takes a quarter second at the platform, so kills land while publishes are in flight.
  proxy.postDelayMs = 250;
  const slack = await new FakeSlack().start();
  // Without a budget under test, the fake's own generous limit applies: stock 280 requests / 5 min
  // would pace the replay (every approved reply is a request too), and the drain would time out.
  const budget = o.budget
    ? { requestBudget: { limit: o.budget.limit, window: o.budget.windowMs } }
    : { requestBudget: { limit: 900_000, window: '5m' } };
  const control = await openControl(chaosConfig(o.prefix, proxy.url, slack.url, budget), o.redisUrl, o.dir, {
    durable: o.durablePostgres === true,
  });
  const pool = new WorkerPool(control.configFile, o.redisUrl, path.join(o.dir, 'workers.log'));
  for (let i = 0; i < o.workers; i += 1) pool.spawn();
  await syncSchedulers(control.ctx);
  // The first poll only reads the newest page (backfill); publishing before it would skip posts by design.
  const ready = await waitFor(async () => (await readSourceState(control.ctx.db, 'masto')).cursor !== null, 60_000);
  if (!ready) throw new Error(`${o.label}: the workers never completed a first poll (see ${o.dir}/workers.log)`);
  return { fake, proxy, slack, control, pool, approved: new Set() };
}

/** Publishes `rate` posts a second (an urgent one every 2 s) and approves urgent items; returns a stopper. */
export function keepBusy(r: Running, rate: number): () => Promise<void> {
  let ticks = 0;
  const publisher = setInterval(() => {
    ticks += 1;
    r.fake.publish(Math.max(1, Math.round(rate / 10)));
    if (ticks % 20 === 0) r.fake.publishProbe(`${URGENT} (case ${ticks})`, 250_000);
  }, 100);
  let approving = true;
  const approver = (async () => {
    while (approving) {
      await approveUrgent(r.control.ctx, r.approved).catch(() => undefined);
      await sleep(400);
    }
  })();
  return async () => {
    clearInterval(publisher);
    // Urgent posts published last still need routing before they can be approved.
    await waitFor(
      async () => (await pipelineIdle(r.control.ctx)) && (await countMentions(r.control.ctx.db)) >= r.fake.published,
      60_000,
      500,
    );
    approving = false;
    await approver;
    await approveUrgent(r.control.ctx, r.approved).catch(() => undefined);
  };
}

function checkBudget(report: Report, label: string, proxy: RecordingProxy, budget: { limit: number; windowMs: number }): void {
  const times = proxy.log.map((e) => e.at);
  const span = tightestSpan(times, budget.limit);
  // The token is taken just before sending; arrival trails it by the worker's event-loop lag (a triage
  // batch runs synchronously). Stock Mastodon's limit (300) sits 20 above the default budget (280) for the same reason.
  report.check(
    `${label}: request budget ${budget.limit}/${budget.windowMs} ms held across all processes`,
    span >= budget.windowMs - SEND_LAG_MS,
    `${times.length} requests; tightest ${budget.limit + 1} consecutive requests spanned ${Number.isFinite(span) ? span : 'n/a'} ms (must be ≥ ${budget.windowMs} ms less ${SEND_LAG_MS} ms send lag)`,
  );
}

export async function tearDown(r: Running): Promise<void> {
  await r.pool.stopAll();
  await r.control.close();
  await r.proxy.close();
  await r.fake.close();
  await r.slack.close();
}
