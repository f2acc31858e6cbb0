import { defineWorker } from '../src/app/runner.js';
import { pollSource } from '../src/listen/poll.js';

export const pollWorker = defineWorker('poll', (data, run) => pollSource(run.app, data.sourceId, run.signal));
