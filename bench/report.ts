import os from 'node:os';
import type { PgSize } from './pg-size.js';
import type { QueryResult } from './queries.js';
import { AUTHOR_TARGET_MS, QUERY_TARGET_MS } from './queries-run.js';
import { fmt, mb } from './stats.js';

type Summary = { n: number; p50: number; p95: number; p99: number; max: number };

export interface BenchResult {
  wink: number;
  triage: number;
  bull: number;
  e2e: number;
  /** CPU milliseconds per mention over the replay, by process (see bench/cpu.ts). */
  cpu: { worker: number; postgres: number; redis: number; bench: number; total: number };
  mentions: number;
  memPerMention: number;
  alerts: Summary;
  streamed: Summary;
  approvals: Summary;
  rssStart: number;
  rssEnd: number;
  storedAtEnd: number;
  longRate: number;
  longMemPerMention: number;
  workers: number;
  /** MEMORY USAGE per key family after the main replay, per stored mention. */
  families: Array<{ family: string; keys: number; perMention: number }>;
  pg: PgSize;
  /** Redis used_memory before the main replay, after it drained, and at the end of the long stretch. */
  redis: { beforeReplay: number; afterDrain: number; atEnd: number };
  /** 1, 5 and 15 minute load averages when the replay ended: the machine is shared. */
  load: number[];
}

const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
/** End-to-end throughput measured on these 2 cores before PostgreSQL (BENCHMARKS.md of 2026-11-24). */
const REDIS_ERA_FLOOR = 1_500;
/** "Flat": under 5% of the 1,905 B per mention Redis held when it was the store. */
const REDIS_FLAT_BYTES = 100;

function e2eRows(r: BenchResult): string[][] {
  return [
    [
      'end-to-end mentions/s (fetched → triaged → stored → routed)',
      fmt(r.e2e),
      `≥ ${fmt(REDIS_ERA_FLOOR)} (Redis-only store, same machine)`,
      verdict(r.e2e >= REDIS_ERA_FLOOR),
    ],
    [
      'CPU per mention: worker + PostgreSQL + Redis',
      `${fmt(r.cpu.total, 3)} ms (${fmt(r.cpu.worker, 3)} + ${fmt(r.cpu.postgres, 3)} + ${fmt(r.cpu.redis, 3)})`,
      `≤ ${fmt(2000 / REDIS_ERA_FLOOR, 2)} ms (${fmt(REDIS_ERA_FLOOR)}/s on 2 cores)`,
      verdict(r.cpu.total <= 2000 / REDIS_ERA_FLOOR),
    ],
    ['Earshot triage() posts/s (one core, same run)', fmt(r.triage), '', ''],
    ['ratio end-to-end / triage()', `${fmt((100 * r.e2e) / r.triage)}%`, '≥ 50%', verdict(r.e2e >= r.triage / 2)],
    ['bare wink-nlp posts/s (one core)', fmt(r.wink), '', ''],
    ['bare BullMQ no-op jobs/s', fmt(r.bull), '', ''],
    [
      'post → Slack alert p50 / p95 / p99 (poll every 1 s)',
      `${fmt(r.alerts.p50)} / ${fmt(r.alerts.p95)} / ${fmt(r.alerts.p99)} ms`,
      'p99 ≤ 2,000 ms',
      verdict(r.alerts.p99 <= 2000),
    ],
    [
      'post → Slack alert p50 / p95 / p99 (streaming)',
      `${fmt(r.streamed.p50)} / ${fmt(r.streamed.p95)} / ${fmt(r.streamed.p99)} ms`,
      'p99 ≤ 1,000 ms',
      verdict(r.streamed.p99 <= 1000),
    ],
    [
      'approve → reply at the platform p50 / p99',
      `${fmt(r.approvals.p50)} / ${fmt(r.approvals.p99)} ms`,
      'p99 ≤ 1,000 ms',
      verdict(r.approvals.p99 <= 1000),
    ],
    [
      'PostgreSQL bytes per stored mention (all record tables, indexes included)',
      `${fmt(r.pg.bytesPerMention)} B`,
      '≤ 1,200 B',
      verdict(r.pg.bytesPerMention <= 1200),
    ],
    [
      'Redis memory growth per mention over the replay (after the drain)',
      `${fmt(r.memPerMention)} B`,
      `flat (< ${REDIS_FLAT_BYTES} B)`,
      verdict(r.memPerMention < REDIS_FLAT_BYTES),
    ],
    [
      `worker RSS at start → after ${fmt(r.storedAtEnd)} mentions`,
      `${mb(r.rssStart)} → ${mb(r.rssEnd)}`,
      'flat, ≤ 250 MB',
      verdict(r.rssEnd <= 250 * 1024 * 1024),
    ],
  ];
}

/** Average bytes per row of each column over 1 B, widest first (a row also has a 24-byte header and its alignment). */
const columnList = (pg: PgSize) =>
  pg.columns.flatMap((t) => [
    `\`${t.table}\` (${fmt(t.rows)} rows), average bytes per row: ${t.bytes
      .filter((c) => c.avg >= 1)
      .map((c) => `${c.column} ${fmt(c.avg, 1)}`)
      .join(' · ')}.`,
    '',
  ]);
const indexList = (pg: PgSize) => pg.indexes.map((i) => `\`${i.index}\` ${fmt(i.perMention)}`).join(' · ');

function e2eSection(r: BenchResult): string[] {
  return [
    `End to end: \`npm run bench -- --mentions ${r.mentions}\`, ${r.workers} worker process(es); load average ${r.load.map((l) => fmt(l, 1)).join(' / ')} (1 / 5 / 15 min) when the replay ended.`,
    'One machine runs everything: redis-server (AOF on), PostgreSQL (fsync on), the fake Mastodon feed and fake Slack, the control process and the workers.',
    'The replay is airline-tweets-dev.csv repeated with fresh ids, polled from a local fake Mastodon (80 per page).',
    '',
    '| measure | result | target | |',
    '| --- | --- | --- | --- |',
    ...e2eRows(r).map((row) => `| ${row.join(' | ')} |`),
    '',
    `Redis used_memory: ${mb(r.redis.beforeReplay)} before the replay, ${mb(r.redis.afterDrain)} after it drained, ${mb(r.redis.atEnd)} after ${fmt(r.storedAtEnd)} stored mentions. ` +
      `The long stretch ran at ${fmt(r.longRate)} mentions/s and changed Redis memory by ${fmt(r.longMemPerMention)} B per mention.`,
    '',
    `Where PostgreSQL's bytes go after the replay (${fmt(r.pg.mentions)} mentions; pg_total_relation_size, after VACUUM):`,
    '',
    '| table | total | of which indexes | bytes per stored mention |',
    '| --- | --- | --- | --- |',
    ...r.pg.tables
      .filter((t) => t.bytes > 16_384)
      .map((t) => `| \`${t.table}\` | ${mb(t.bytes)} | ${mb(t.indexBytes)} | ${fmt(t.perMention)} |`),
    '',
    `Largest indexes, bytes per stored mention: ${indexList(r.pg)}.`,
    '',
    ...columnList(r.pg),
    'What Redis still holds after the main replay (MEMORY USAGE per key family, per stored mention; queues, locks and budgets only):',
    '',
    '| key family | keys | bytes per stored mention |',
    '| --- | --- | --- |',
    ...r.families.filter((f) => f.perMention >= 1).map((f) => `| \`${f.family}\` | ${fmt(f.keys)} | ${fmt(f.perMention)} |`),
    '',
  ];
}

function proposedSection(p: NonNullable<QueryResult['proposed']>): string[] {
  const t = p.timings;
  return [
    `With the proposed index(es) added (\`${p.indexes.join('; ')}\`), p99: queue ${fmt(t.queue.p99, 1)} ms · later page ${fmt(t.queueNext.p99, 1)} ms · ` +
      `filtered ${fmt(t.filtered.p99, 1)} ms · search ${fmt(t.search.p99, 1)} ms · author ${fmt(t.author.p99, 1)} ms.`,
    '',
  ];
}

const split = (cases: QueryResult['filterSets']) =>
  cases.map((c) => `${c.what} ${fmt(c.p50, 1)} / ${fmt(c.p99, 1)} ms (${c.exact ? '' : 'about '}${fmt(c.total)} items)`).join(' · ');

/** What the slowest probes of each kind were made of: Earshot's JavaScript, PostgreSQL's work, or the wait for a core. */
const tailLine = (q: QueryResult) =>
  `Probes at or above the p99, mean ms: wall time (this process on a CPU, GC included · PostgreSQL's processes on a CPU · time either side was runnable but waiting for a core, summed over both so it can exceed the wall time): ${q.tails
    .map((t) => `${t.what} ${fmt(t.ms, 1)} (${fmt(t.client, 1)} · ${fmt(t.server, 1)} · ${fmt(t.waiting, 1)}; GC ${fmt(t.gc, 1)})`)
    .join(' · ')}.`;

function querySection(q: QueryResult): string[] {
  const row = (what: string, s: Summary, target: number) =>
    `| ${what} | ${fmt(s.p50, 1)} / ${fmt(s.p95, 1)} / ${fmt(s.p99, 1)} ms | p99 ≤ ${target} ms | ${verdict(s.p99 <= target)} |`;
  return [
    `Queries: ${fmt(q.size.mentions)} stored mentions, ${fmt(q.size.openItems)} open and ${fmt(q.size.closedItems)} closed inbox items, ${fmt(q.size.authors)} people, ` +
      `${q.seedSeconds ? `seeded with SQL straight into the store's tables in ${fmt(q.seedSeconds)} s` : "seeded with SQL straight into the store's tables by an earlier run and reused (--query-db)"}; each query through the store function the API calls, ${q.queue.n} times, one at a time.`,
    '',
    '| query | p50 / p95 / p99 | target | |',
    '| --- | --- | --- | --- |',
    row('queue, first page (100 items, exact total)', q.queue, QUERY_TARGET_MS),
    row('queue, a later page (keyset cursor)', q.queueNext, QUERY_TARGET_MS),
    row('queue filtered (brand + category, priority + language, source, assignee)', q.filtered, QUERY_TARGET_MS),
    ...(q.queueText
      ? [row('queue with a text filter ("lawyer", "refund", "cancelled flight", an author)', q.queueText, QUERY_TARGET_MS)]
      : []),
    row('full-text search (50 hits; total exact up to 1,000, else estimated)', q.search, QUERY_TARGET_MS),
    row("an author's history (50 entries)", q.author, AUTHOR_TARGET_MS),
    '',
    `PostgreSQL bytes per stored mention in this seeded store (mentions, people, items; no drafts history or audit): ${fmt(q.pg.bytesPerMention)} B. Largest indexes: ${indexList(q.pg)}.`,
    '',
    `Filtered queue p50 / p99 per filter: ${split(q.filterSets)}.`,
    '',
    `Queue with a text filter p50 / p99 per text: ${split(q.queueTexts)}.`,
    '',
    tailLine(q),
    '',
    `Search p99 per word: ${q.searchWords.map((w) => `"${w.q}" ${fmt(w.p99, 1)} ms (${w.exact ? '' : 'about '}${fmt(w.total)} matches)`).join(' · ')}.`,
    '',
    ...(q.proposed ? proposedSection(q.proposed) : []),
    ...q.plans.flatMap((p) => [`Plan of one ${p.what} call (EXPLAIN ANALYZE, BUFFERS):`, '', '```', p.plan, '```', '']),
  ];
}

/** BENCHMARKS.md: the figures of one run, the machine, and each target with met / not met. */
export function writeReport(e2e: BenchResult | null, queries: QueryResult | null): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return [
    '# Benchmarks',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} × ${cpu}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
    '',
    ...(e2e ? e2eSection(e2e) : []),
    ...(queries ? querySection(queries) : []),
  ].join('\n');
}
