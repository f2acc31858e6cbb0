import { modelDraft } from '../src/drafts/model-draft.js';
import { defineWorker } from '../src/app/runner.js';

export const draftWorker = defineWorker('draft', (data, run) => modelDraft(run.app, data.itemId));
