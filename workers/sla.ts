import { finalOnPermanent } from '../src/alerts/send.js';
import { defineWorker } from '../src/jobs/runner.js';
import { checkSla } from '../src/pipeline/sla.js';

export const slaWorker = defineWorker('sla', (data, run) => finalOnPermanent(checkSla(run.app, data)));
