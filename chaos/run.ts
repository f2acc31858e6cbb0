import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { bounded, log, Report, tempDir } from './common.js';
import { faultyPlatform } from './faults.js';
import { postgresRestart } from './pg-restart.js';
import { RedisServer } from './procs.js';
import { killReplay } from './replay.js';
import { redisRestart } from './restart.js';
import { slowChat } from './slow-chat.js';

/**
 * `npm run chaos`: fault scenarios against real processes on a private redis-server and PostgreSQL. Every
 * scenario has its own time cap and the whole suite stops within ~10 minutes whatever happens.
 */
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    workers: { type: 'string', default: '3' },
    rate: { type: 'string', default: '100' },
    only: { type: 'string' },
  },
});

const SUITE_CAP_MS = 10 * 60_000;

async function main(): Promise<void> {
  const started = Date.now();
  const report = new Report();
  const hardStop = setTimeout(() => {
    process.stdout.write(`FAIL  chaos suite — hit the ${SUITE_CAP_MS / 60_000} minute cap\n${report.summary('chaos', started)}\n`);
    process.exit(2);
  }, SUITE_CAP_MS);
  hardStop.unref();
  const want = (name: string) => !args.only || args.only.split(',').includes(name);

  if (want('kill')) {
    const dir = tempDir('kill');
    const redis = await new RedisServer(dir).start();
    log(`kill -9: ${args.rounds} rounds, ${args.workers} worker processes, redis-server ${redis.url}`);
    await bounded(report, 'kill -9 during a replay', 300_000, () =>
      killReplay(report, {
        label: 'kill -9',
        redisUrl: redis.url,
        prefix: 'chaos',
        dir,
        workers: Number(args.workers),
        rounds: Number(args.rounds),
        rate: Number(args.rate),
      }),
    );
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  if (want('redis')) await bounded(report, 'redis restart', 150_000, () => redisRestart(report));
  if (want('postgres')) await bounded(report, 'postgres restart', 240_000, () => postgresRestart(report));
  if (want('faults')) await bounded(report, 'faulty platform', 90_000, () => faultyPlatform(report));
  if (want('chat')) await bounded(report, 'slow chat', 90_000, () => slowChat(report));

  process.stdout.write(`${report.summary('chaos', started)}\n`);
  process.exit(report.failed > 0 ? 1 : 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`chaos failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
