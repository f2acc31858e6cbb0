import { defineWorker } from '../src/app/runner.js';
import { sweepOutbox } from '../src/publish/outbox.js';
import { sweepSla } from '../src/alerts/sla.js';

/** Every ten seconds: SLA reminders, and any outbox row a crashed process left unsent. */
export const slaWorker = defineWorker('sla', async (_data, run) => {
  const sla = await sweepSla(run.app);
  const relayed = await sweepOutbox(run.app);
  if (relayed) run.app.log.warn({ relayed }, 'outbox: queued jobs that were committed but not yet enqueued');
  return sla;
});
