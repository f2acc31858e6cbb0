import { defineWorker } from '../src/app/runner.js';
import { routeBatch } from '../src/route/route.js';

export const routeWorker = defineWorker('route', (data, run) => routeBatch(run.app, data.mentionIds));
