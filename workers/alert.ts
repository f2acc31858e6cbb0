import { finalOnPermanent } from '../src/alerts/send.js';
import { defineWorker } from '../src/app/runner.js';
import { sendAlert } from '../src/alerts/alert.js';

export const alertWorker = defineWorker('alert', (data, run) => finalOnPermanent(sendAlert(run.app, data)));
