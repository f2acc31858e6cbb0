import { defineWorker } from '../src/app/runner.js';
import { triageBatch } from '../src/route/triage-batch.js';

export const triageWorker = defineWorker('triage', (data, run) => triageBatch(run.app, data.mentionIds));
