import { defineWorker } from '../src/jobs/runner.js';
import { checkSourceHealth } from '../src/pipeline/health.js';
import { pruneExpired } from '../src/store/mentions.js';

/** Every minute: source health, and the retention (old mentions go a batch at a time). */
export const healthWorker = defineWorker('health', async (_data, run) => {
  const result = await checkSourceHealth(run.app);
  const removed = await pruneExpired(run.app.db, Date.now() - run.app.config.retention);
  if (removed) run.app.log.info({ removed }, 'retention: removed expired mentions');
  return result;
});
