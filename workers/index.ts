import { alertWorker } from './alert.js';
import { draftWorker } from './draft.js';
import { healthWorker } from './health.js';
import { pollWorker } from './poll.js';
import { publishWorker } from './publish.js';
import { routeWorker } from './route.js';
import { slaWorker } from './sla.js';
import { spikesWorker } from './spikes.js';
import { triageWorker } from './triage.js';

/** Every worker the `workers` role runs. */
export const allWorkers = [
  pollWorker,
  triageWorker,
  routeWorker,
  alertWorker,
  slaWorker,
  spikesWorker,
  publishWorker,
  healthWorker,
  draftWorker,
];
