import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { syncSchedulers } from '../src/app/scheduler.js';
import { approveItem } from '../src/inbox/actions.js';
import { startEmbeddedRedis } from '../src/redis/embedded.js';
import { getItems, listItemIds } from '../src/store/inbox.js';
import { FakeSlack } from '../test/fakes/slack.js';
import { bullmqNoopJobsPerSecond, triagePostsPerSecond, winkPostsPerSecond } from './baselines.js';
import { GeneratedMastodon } from './generated-mastodon.js';
import { airlineTexts, benchConfig, openHarness, pipelineIdle, redisUsedMemory, runHealthJob, waitUntil, type Harness } from './harness.js';
import { memoryByKeyFamily } from './memory.js';
import { fmt, mb, rssOf, summary } from './stats.js';
import { writeReport, type BenchResult } from './report.js';
import { pgBytesPerMention } from './pg-size.js';
import type { QueryResult } from './queries.js';
import { runQueryBench } from './queries-run.js';
import { countMentions } from '../src/store/mentions.js';
import { cpuPerMention, cpuSnapshot, postmasterPid, type CpuPids, type CpuSnapshot } from './cpu.js';
import { readSourceState } from '../src/store/sources.js';
import { PG_STATEMENT_SETTINGS, resetStatements, statementsTable, topStatements } from './pg-statements.js';

const { values: args } = parseArgs({
  options: {
    mentions: { type: 'string', default: '100000' },
    'rss-mentions': { type: 'string', default: '1000000' },
    probes: { type: 'string', default: '30' },
    workers: { type: 'string', default: '1' },
    // Jobs each worker process runs at once (workers.concurrency).
    concurrency: { type: 'string', default: '4' },
    write: { type: 'boolean', default: false },
    // Writes a V8 CPU profile of each worker process into this folder (open it in Chrome DevTools).
    profile: { type: 'string' },
    // Loads pg_stat_statements in the bench's PostgreSQL and prints where the replay's server time went.
    'pg-statements': { type: 'boolean', default: false },
    data: { type: 'string', default: '../shared/data/airline-tweets-dev.csv' },
    // Which parts: the end-to-end replay (e2e) and the query bench on a seeded history (queries).
    only: { type: 'string', default: 'e2e,queries' },
    'query-mentions': { type: 'string', default: '1000000' },
    'query-open': { type: 'string', default: '300000' },
    // Keeps the query bench's seeded PostgreSQL in this folder and reuses it when the sizes match.
    'query-db': { type: 'string' },
  },
});

const URGENT = '@AcmeAir you lost my bag three days ago, nobody answers and I am still waiting. My lawyer is involved now!!!';

type Throughput = { rate: number; memPerMention: number; memBefore: number; memAfter: number; cpu: CpuSnapshot & { total: number } };

async function throughput(h: Harness, fake: GeneratedMastodon, count: number, pids: CpuPids): Promise<Throughput> {
  const stored = () => countMentions(h.ctx.db);
  const before = await stored();
  const memBefore = await redisUsedMemory(h.ctx);
  const started = Date.now();
  const cpuBefore = cpuSnapshot(pids);
  fake.publish(count);
  await waitUntil(
    'the replay to be triaged and routed',
    async () => {
      // A worker that died (out of memory, a crash) would otherwise leave the bench waiting an hour.
      const dead = h.workers.find((w) => w.exitCode !== null || w.signalCode !== null);
      if (dead) throw new Error(`bench: worker ${dead.pid} exited (${dead.exitCode ?? dead.signalCode}) during the replay`);
      // The queues first: counting the mentions is a scan in the bench's PostgreSQL, which the
      // CPU figures would charge to the pipeline (every 100 ms it was 0.08 ms per mention).
      return (await pipelineIdle(h.ctx)) && (await stored()) >= before + count;
    },
    3_600_000,
    250,
  );
  const seconds = (Date.now() - started) / 1000;
  const cpu = cpuPerMention(cpuBefore, cpuSnapshot(pids), count);
  const memAfter = await redisUsedMemory(h.ctx);
  return { rate: count / seconds, memPerMention: (memAfter - memBefore) / count, memBefore, memAfter, cpu };
}

async function alertLatency(h: Harness, fake: GeneratedMastodon, slack: FakeSlack, probes: number): Promise<number[]> {
  const latencies: number[] = [];
  // Start on a fresh minute: the replay just spent this minute's share of single alerts, and a
  // probe held for the digest would measure the storm guard, not the pipeline.
  await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 50));
  for (let i = 0; i < probes; i += 1) {
    // Land at a random phase of the poll interval, as real posts do.
    await new Promise((r) => setTimeout(r, Math.random() * 1000));
    const marker = `case ${Date.now().toString(36)}${i}`;
    const seen = slack.posts.length;
    const at = Date.now();
    fake.publishProbe(`${URGENT} (${marker})`, 250_000);
    await waitUntil('a Slack alert', async () => slack.posts.slice(seen).some((p) => p.raw.includes(marker)), 30_000, 5);
    const post = slack.posts.slice(seen).find((p) => p.raw.includes(marker));
    latencies.push((post?.at ?? Date.now()) - at);
  }
  return latencies;
}

async function approveLatency(h: Harness, fake: GeneratedMastodon, count: number): Promise<number[]> {
  const ids = await listItemIds(h.ctx.db, 5000);
  const urgent = (await getItems(h.ctx.db, ids)).filter((i) => i.priority === 'urgent' && i.status === 'new').slice(0, count);
  const latencies: number[] = [];
  for (const item of urgent) {
    const started = Date.now();
    const replied = new Promise<number>((resolve) => (fake.onReply = (_id, at) => resolve(at)));
    await approveItem(h.ctx, { name: 'approver', role: 'approver' }, item.id, {
      draftVersion: item.draftVersion,
      acknowledgeWarnings: true,
    });
    latencies.push((await replied) - started);
  }
  return latencies;
}

async function main(): Promise<void> {
  const texts = airlineTexts(path.resolve(args.data ?? ''));
  const parts = (args.only ?? '').split(',');
  const e2e = parts.includes('e2e') ? await endToEnd(texts) : null;
  const queries = parts.includes('queries') ? await queriesPart(texts) : null;
  const report = writeReport(e2e, queries);
  process.stdout.write(`\n${report}\n`);
  if (args.write) writeFileSync('BENCHMARKS.md', report);
}

/** After the replay's workers are gone, so the two parts do not compete for the CPU. */
async function queriesPart(texts: string[]): Promise<QueryResult> {
  const mentions = Number(args['query-mentions']);
  const openItems = Number(args['query-open']);
  const r = await runQueryBench(
    { mentions, openItems, closedItems: Math.round(openItems / 3), authors: Math.max(1, Math.round(mentions / 20)) },
    texts,
    log,
    args['query-db'],
  );
  log(
    `queries over ${fmt(mentions)} mentions: queue p99 ${fmt(r.queue.p99, 1)} ms · filtered ${fmt(r.filtered.p99, 1)} ms · search ${fmt(r.search.p99, 1)} ms · author ${fmt(r.author.p99, 1)} ms`,
  );
  return r;
}

/** The measured replay after a warm-up, with what it left in PostgreSQL and Redis. */
async function mainReplay(h: Harness, fake: GeneratedMastodon, pids: CpuPids) {
  await throughput(h, fake, 2_000, pids); // warm-up: JIT, connections, model load in the workers
  const rssStart = Math.max(...h.workers.map((w) => rssOf(w.pid ?? 0)));
  if (args['pg-statements']) await resetStatements(h.ctx.db);
  const run = await throughput(h, fake, Number(args.mentions), pids);
  if (args['pg-statements']) log(statementsTable(await topStatements(h.ctx.db, Number(args.mentions))));
  log(`end to end ${fmt(run.rate)} mentions/s over ${fmt(Number(args.mentions))} · Redis ${fmt(run.memPerMention)} B/mention`);
  const c = run.cpu;
  log(
    `CPU per mention: ${fmt(c.total, 3)} ms (worker ${fmt(c.worker, 3)} · PostgreSQL ${fmt(c.postgres, 3)} · Redis ${fmt(c.redis, 3)}; bench and fakes ${fmt(c.bench, 3)}) → ${fmt(2000 / c.total)} mentions/s on 2 free cores`,
  );
  await runHealthJob(h.ctx);
  const pg = await pgBytesPerMention(h.ctx.db);
  log(`PostgreSQL ${fmt(pg.bytesPerMention)} B per stored mention (indexes included)`);
  const families = await memoryByKeyFamily(h.ctx.redis, 'bench', await countMentions(h.ctx.db));
  return { run, rssStart, pg, families };
}

/** Alert and approval latencies; --probes 0 skips them (a quick run for throughput and footprint only). */
async function latencyProbes(h: Harness, fake: GeneratedMastodon, live: GeneratedMastodon, slack: FakeSlack, probes: number) {
  const alerts = probes > 0 ? await alertLatency(h, fake, slack, probes) : [];
  log(`post → Slack alert (polling every 1 s): ${JSON.stringify(summary(alerts))}`);
  // Reported as missing rather than failing the whole run when no streamed alert arrives.
  const streamed =
    probes > 0
      ? await alertLatency(h, live, slack, probes).catch((err: Error) => (log(`streaming alerts: ${err.message}`), [] as number[]))
      : [];
  log(`post → Slack alert (streaming): ${JSON.stringify(summary(streamed))}`);
  const approvals = probes > 0 ? await approveLatency(h, fake, probes) : [];
  log(`approve → reply at the platform: ${JSON.stringify(summary(approvals))}`);
  return { alerts: summary(alerts), streamed: summary(streamed), approvals: summary(approvals) };
}

/** The bare rates of the same run's parts, to compare the pipeline with. */
async function baselineRates(texts: string[], redisUrl: string) {
  const wink = winkPostsPerSecond(texts);
  const triage = triagePostsPerSecond(texts);
  const bull = await bullmqNoopJobsPerSecond(redisUrl);
  log(`bare wink-nlp ${fmt(wink)} posts/s · Earshot triage() ${fmt(triage)} posts/s · bare BullMQ ${fmt(bull)} no-op jobs/s`);
  return { wink, triage, bull };
}

/** Replays up to --rss-mentions stored mentions in all, for the worker's memory and Redis staying flat. */
async function longStretch(h: Harness, fake: GeneratedMastodon, pids: CpuPids, main: Throughput, rssStart: number) {
  const rest = Math.max(0, Number(args['rss-mentions']) - (await countMentions(h.ctx.db)));
  const long = rest > 0 ? await throughput(h, fake, rest, pids) : main;
  const rssEnd = Math.max(...h.workers.map((w) => rssOf(w.pid ?? 0)));
  const stored = await countMentions(h.ctx.db);
  log(`worker RSS ${mb(rssStart)} at start → ${mb(rssEnd)} after ${fmt(stored)} mentions (${fmt(long.rate)} mentions/s on that stretch)`);
  return { long, rssEnd, stored, redisEnd: await redisUsedMemory(h.ctx) };
}

/** The control process and --workers worker processes on a fresh embedded PostgreSQL, polling the fakes. */
function openBenchHarness(fake: GeneratedMastodon, live: GeneratedMastodon, slack: FakeSlack, redisUrl: string): Promise<Harness> {
  return openHarness(
    benchConfig('bench', fake.url, live.url, slack.url, Number(args.concurrency)),
    redisUrl,
    Number(args.workers),
    args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args.profile)}`] : [],
    args['pg-statements'] ? PG_STATEMENT_SETTINGS : [],
  );
}

/** The run's figures in the report's shape. */
function benchResult(
  base: Awaited<ReturnType<typeof baselineRates>>,
  probes: Awaited<ReturnType<typeof latencyProbes>>,
  main: Awaited<ReturnType<typeof mainReplay>>,
  stretch: Awaited<ReturnType<typeof longStretch>>,
): BenchResult {
  const { run } = main;
  return {
    ...base,
    ...probes,
    e2e: run.rate,
    cpu: run.cpu,
    mentions: Number(args.mentions),
    memPerMention: run.memPerMention,
    rssStart: main.rssStart,
    rssEnd: stretch.rssEnd,
    storedAtEnd: stretch.stored,
    longRate: stretch.long.rate,
    longMemPerMention: stretch.long.memPerMention,
    workers: Number(args.workers),
    families: main.families,
    pg: main.pg,
    redis: { beforeReplay: run.memBefore, afterDrain: run.memAfter, atEnd: stretch.redisEnd },
    load: os.loadavg(),
  };
}

async function endToEnd(texts: string[]): Promise<BenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-bench-redis-'));
  const redis = await startEmbeddedRedis({ dataDir: dir });
  log(`redis-server on ${redis.url} (AOF on); ${texts.length} airline texts, repeated with fresh ids`);
  const base = await baselineRates(texts, redis.url);

  const fake = await new GeneratedMastodon(texts).start();
  const live = await new GeneratedMastodon(texts).start();
  const slack = await new FakeSlack().start();
  const h = await openBenchHarness(fake, live, slack, redis.url);
  try {
    await syncSchedulers(h.ctx);
    // The first poll of an empty feed sets its cursor; only then is everything published later read in full.
    await waitUntil('the first poll', async () => (await readSourceState(h.ctx.db, 'masto')).cursor !== null, 60_000);
    const pids: CpuPids = {
      workers: h.workers.map((w) => w.pid ?? 0),
      postmaster: postmasterPid(h.pgDataDir),
      redis: redis.server?.pid ?? 0,
    };
    const main = await mainReplay(h, fake, pids);
    const probes = await latencyProbes(h, fake, live, slack, Number(args.probes));
    const stretch = await longStretch(h, fake, pids, main.run, main.rssStart);
    return benchResult(base, probes, main, stretch);
  } finally {
    await h.close();
    await fake.close();
    await live.close();
    await slack.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
