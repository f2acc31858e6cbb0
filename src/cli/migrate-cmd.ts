import { openRuntime } from '../app/runtime.js';
import type { Config } from '../config/load.js';
import { createLogger } from '../log.js';
import { copyFromRedis, FAMILIES, type CopyCounts, type Family } from '../store/migrate-from-redis.js';
import { countLegacy, legacyKeys } from '../store/migrate-from-redis-read.js';
import { Progress } from './progress.js';

/**
 * `earshot migrate-from-redis`: the upgrade from a Redis-only installation. Run it with Earshot
 * stopped, against the same Redis (redis.url, prefix) and the new database; running it again
 * copies nothing twice, so an interrupted run is simply started again.
 */
export async function migrateFromRedis(config: Config): Promise<void> {
  const log = createLogger({ level: 'warn', pretty: Boolean(process.stderr.isTTY) });
  const rt = await openRuntime(config, log);
  try {
    const { redis, db } = rt.ctx;
    const prefix = config.redis.prefix;
    const total = await countLegacy(redis, legacyKeys(prefix), prefix);
    const progress = new Progress(total, 'records');
    const seen = new Map<Family, CopyCounts>();
    const done = () => [...seen.values()].reduce((n, c) => n + c.read, 0);
    const added = () => [...seen.values()].reduce((n, c) => n + c.added, 0);
    const report = await copyFromRedis(redis, db, {
      prefix,
      retentionMs: config.retention,
      onProgress: (family, counts) => {
        seen.set(family, { ...counts });
        progress.update(Math.min(done(), total), `· ${family} · ${added()} added`);
      },
    });
    progress.update(total, `· ${added()} added`);
    const lines = FAMILIES.map((f) => `  ${f.padEnd(12)} read ${report[f].read}, added ${report[f].added}, skipped ${report[f].skipped}`);
    progress.finish(
      `copied Redis prefix "${prefix}" into PostgreSQL:\n${lines.join('\n')}\n` +
        'Skipped: unreadable records, and items whose post had already expired. Running this again adds nothing twice.\n' +
        'Sessions, dead letters and queued jobs stay in Redis, where this version keeps them.',
    );
  } finally {
    await rt.close();
  }
}
