import { defineWorker } from '../src/jobs/runner.js';
import { checkSourceHealth } from '../src/pipeline/health.js';

export const healthWorker = defineWorker('health', (_data, run) => checkSourceHealth(run.app));
