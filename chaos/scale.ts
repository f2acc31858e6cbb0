import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startCluster, slotSpread } from './cluster.js';
import { bounded, log, Report, tempDir } from './common.js';
import { RedisServer } from './procs.js';
import { killReplay } from './replay.js';

/**
 * `npm run scale`: three worker processes sharing one Redis, then a local three-node Redis Cluster,
 * each with a replay and kill -9 rounds. Bounded: each part has its own cap, the suite ~8 minutes.
 */
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    workers: { type: 'string', default: '3' },
    rate: { type: 'string', default: '100' },
    only: { type: 'string' },
  },
});

const SUITE_CAP_MS = 8 * 60_000;
// Low on purpose, so the shared limiter is what paces the replay; checked against the request log afterwards.
const BUDGET = { limit: 8, windowMs: 2_000 };

async function oneRedis(report: Report): Promise<void> {
  const dir = tempDir('scale');
  const redis = await new RedisServer(dir).start();
  log(`one Redis: ${args.workers} worker processes, ${args.rounds} kill rounds, request budget ${BUDGET.limit} per ${BUDGET.windowMs} ms`);
  try {
    await killReplay(report, {
      label: 'one Redis',
      redisUrl: redis.url,
      prefix: 'scale',
      dir,
      workers: Number(args.workers),
      rounds: Number(args.rounds),
      rate: Number(args.rate),
      budget: BUDGET,
    });
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function cluster(report: Report): Promise<void> {
  const dir = tempDir('cluster');
  const c = await startCluster(dir);
  log(`Redis Cluster: 3 masters on ${c.ports.join(', ')}; prefix {scale}; ${args.workers} worker processes, ${args.rounds} kill rounds`);
  try {
    await killReplay(report, {
      label: 'cluster',
      redisUrl: c.url,
      prefix: '{scale}',
      dir,
      workers: Number(args.workers),
      rounds: Number(args.rounds),
      rate: Number(args.rate),
      budget: BUDGET,
    });
    const spread = await slotSpread(c.ports, '{scale}');
    report.check(
      "cluster: every key of ours and BullMQ's in the hash tag's slot",
      spread.total > 0 && spread.inSlot === spread.total,
      `${spread.inSlot} of ${spread.total} keys in slot ${spread.slot}; keys per node ${spread.perNode.join(' / ')}`,
    );
  } finally {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const report = new Report();
  const hardStop = setTimeout(() => {
    process.stdout.write(`FAIL  scale suite — hit the ${SUITE_CAP_MS / 60_000} minute cap\n${report.summary('scale', started)}\n`);
    process.exit(2);
  }, SUITE_CAP_MS);
  hardStop.unref();
  const want = (name: string) => !args.only || args.only.split(',').includes(name);
  if (want('one')) await bounded(report, 'one Redis, many workers', 200_000, () => oneRedis(report));
  if (want('cluster')) await bounded(report, 'Redis Cluster', 240_000, () => cluster(report));
  process.stdout.write(`${report.summary('scale', started)}\n`);
  process.exit(report.failed > 0 ? 1 : 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`scale failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
