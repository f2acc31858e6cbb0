import { defineWorker } from '../src/app/runner.js';
import { sweepSpikes } from '../src/alerts/spikes/sweep.js';

/** Every minute: spikes found, grown, reopened or ended, and chat told about them. */
export const spikesWorker = defineWorker('spikes', async (_data, run) => {
  const results = await sweepSpikes(run.app);
  return results.filter((r) => r.action !== 'none').map((r) => ({ brand: r.brand, action: r.action, spike: r.spike?.id }));
});
