import { defineWorker } from '../src/jobs/runner.js';
import { sweepSla } from '../src/pipeline/sla.js';

export const slaWorker = defineWorker('sla', (_data, run) => sweepSla(run.app));
