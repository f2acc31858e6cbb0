import { defineWorker } from '../src/app/runner.js';
import { publishItem } from '../src/publish/publish.js';

export const publishWorker = defineWorker('publish', (data, run) => publishItem(run.app, data, run.finalAttempt));
