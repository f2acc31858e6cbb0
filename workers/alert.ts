import { defineWorker } from '../src/jobs/runner.js';
import { sendAlert } from '../src/pipeline/alert.js';

export const alertWorker = defineWorker('alert', (data, run) => sendAlert(run.app, data));
