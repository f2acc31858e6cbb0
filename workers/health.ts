import { defineWorker } from '../src/app/runner.js';
import { reconcileFailedJobs } from '../src/jobs/failed-jobs.js';
import { checkSourceHealth } from '../src/listen/health.js';
import { sweepPending } from '../src/route/pending.js';
import { pruneExpired } from '../src/store/mentions.js';
import { compactPending } from '../src/store/pending.js';

/**
 * Every minute: source health, the retention (old mentions go a batch at a time), jobs an
 * outage left in the failed lists (run again, or dead-lettered when they keep failing), and
 * mentions whose route job was lost; last, the emptied pending table's disk goes back.
 */
export const healthWorker = defineWorker('health', async (_data, run) => {
  const result = await checkSourceHealth(run.app);
  const removed = await pruneExpired(run.app.db, Date.now() - run.app.config.retention);
  if (removed) run.app.log.info({ removed }, 'retention: removed expired mentions');
  await reconcileFailedJobs(run.app);
  const handedOn = await sweepPending(run.app);
  if (handedOn) run.app.log.warn({ mentions: handedOn }, 'handed mentions pending for over a minute back to routing');
  if ((await compactPending(run.app.db)) === 'truncated') run.app.log.info('gave the emptied pending table its disk back');
  return result;
});
