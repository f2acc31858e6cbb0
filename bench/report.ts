import os from 'node:os';
import { fmt, mb } from './stats.js';

type Summary = { n: number; p50: number; p95: number; p99: number; max: number };

export interface BenchResult {
  wink: number;
  triage: number;
  bull: number;
  e2e: number;
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
}

const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

/** BENCHMARKS.md: the figures of one run, the machine, and each target with met / not met. */
export function writeReport(r: BenchResult): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const rows = [
    ['end-to-end mentions/s (fetched → triaged → stored → routed)', fmt(r.e2e), `≥ 50% of bare wink-nlp (${fmt(r.wink / 2)})`, verdict(r.e2e >= r.wink / 2)],
    ['bare wink-nlp posts/s (one core)', fmt(r.wink), '', ''],
    ['Earshot triage() posts/s (one core)', fmt(r.triage), '', ''],
    ['bare BullMQ no-op jobs/s', fmt(r.bull), '', ''],
    ['ratio end-to-end / wink-nlp', `${fmt((100 * r.e2e) / r.wink)}%`, '≥ 50%', verdict(r.e2e >= r.wink / 2)],
    ['ratio end-to-end / BullMQ no-op', `${fmt((100 * r.e2e) / r.bull)}%`, '', ''],
    ['post → Slack alert p50 / p95 / p99 (poll every 1 s)', `${fmt(r.alerts.p50)} / ${fmt(r.alerts.p95)} / ${fmt(r.alerts.p99)} ms`, 'p99 ≤ 2,000 ms', verdict(r.alerts.p99 <= 2000)],
    ['post → Slack alert p50 / p95 / p99 (streaming)', `${fmt(r.streamed.p50)} / ${fmt(r.streamed.p95)} / ${fmt(r.streamed.p99)} ms`, 'p99 ≤ 1,000 ms', verdict(r.streamed.p99 <= 1000)],
    ['approve → reply at the platform p50 / p99', `${fmt(r.approvals.p50)} / ${fmt(r.approvals.p99)} ms`, 'p99 ≤ 1,000 ms', verdict(r.approvals.p99 <= 1000)],
    ['Redis memory per stored mention', `${fmt(r.memPerMention)} B`, '≤ 1,536 B', verdict(r.memPerMention <= 1536)],
    [`worker RSS at start → after ${fmt(r.storedAtEnd)} mentions`, `${mb(r.rssStart)} → ${mb(r.rssEnd)}`, 'flat, ≤ 250 MB', verdict(r.rssEnd <= 250 * 1024 * 1024)],
  ];
  return [
    '# Benchmarks',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench -- --mentions ${r.mentions} --write\` on ${os.cpus().length} × ${cpu}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${r.workers} worker process(es).`,
    'One machine runs everything: redis-server (AOF on), the fake Mastodon feed and fake Slack, the control process and the workers.',
    'The replay is airline-tweets-dev.csv repeated with fresh ids, polled from a local fake Mastodon (80 per page).',
    '',
    '| measure | result | target | |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    `The long stretch up to ${fmt(r.storedAtEnd)} stored mentions ran at ${fmt(r.longRate)} mentions/s and added ${fmt(r.longMemPerMention)} B of Redis memory per mention.`,
    '',
    'Where the Redis bytes go after the main replay (MEMORY USAGE summed per key family; BullMQ and allocator overhead make up the rest of used_memory):',
    '',
    '| key family | keys | bytes per stored mention |',
    '| --- | --- | --- |',
    ...r.families.filter((f) => f.perMention >= 5).map((f) => `| \`${f.family}\` | ${fmt(f.keys)} | ${fmt(f.perMention)} |`),
    '',
  ].join('\n');
}
