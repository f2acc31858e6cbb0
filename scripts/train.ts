/**
 * Trains the triage model and writes models/triage-v3.json.
 *
 *   npm run train                                  dev data only
 *   npm run train -- --with-corrections [--config earshot.yaml]   plus responders' corrections from Redis
 *
 * The fixed test sample (dataset.ts inFixedSample, by duplicate group) is always left out, so the
 * test suite can compare the committed model with the peer methods on posts it never saw.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openRuntime } from '../src/app/runtime.js';
import { loadConfig } from '../src/app/config.js';
import { createLogger } from '../src/log.js';
import { readCorrections, type Correction } from '../src/store/corrections.js';
import { DEFAULT_DATA_DIR, inFixedSample, loadTwcs } from '../src/triage/train/dataset.js';
import { loadAllLabelled } from '../src/triage/train/dataset-tweets.js';
import { toTrainingRows } from '../src/triage/train/training-rows.js';
import { MODEL_FILE, serialiseModel } from '../src/triage/model.js';
import { retrain } from '../src/triage/train/retrain.js';
import type { BrandConfig } from '../src/config/schema.js';

const { values } = parseArgs({
  options: {
    'with-corrections': { type: 'boolean', default: false },
    config: { type: 'string', short: 'c' },
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    out: { type: 'string', default: MODEL_FILE },
  },
});

async function fromRedis(configFile: string): Promise<{ corrections: Correction[]; brands: BrandConfig[] }> {
  const config = loadConfig(configFile, process.env);
  const rt = await openRuntime(config, createLogger({ level: 'warn', pretty: false }));
  try {
    return { corrections: await readCorrections(rt.ctx.db), brands: config.brands };
  } finally {
    await rt.close();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const posts = [...loadAllLabelled(values.data), ...loadTwcs(values.data)];
  if (!posts.length) throw new Error(`no labelled data found in ${values.data}`);
  const base = toTrainingRows(posts).filter((r) => !inFixedSample(r.group ?? r.key));
  let extra: { corrections: Correction[]; brands: BrandConfig[] } = { corrections: [], brands: [] };
  if (values['with-corrections']) {
    extra = await fromRedis(path.resolve(values.config ?? process.env['EARSHOT_CONFIG'] ?? 'config/earshot.yaml'));
    process.stderr.write(
      `corrections: ${extra.corrections.length} from ${new Set(extra.corrections.map((c) => c.brandId)).size} brand(s)\n`,
    );
  }
  const model = retrain({
    base,
    ...extra,
    options: {
      innerFolds: 3,
      meta: {
        trainedAt: new Date().toISOString(),
        rows: base.length,
        sources:
          'airline, complaints, general tweets, irony, multilingual, review sentences, alexa reviews, TWCS inbound (dev); fixed test sample excluded',
      },
    },
  });
  const json = serialiseModel(model);
  writeFileSync(values.out, json);
  const brands = Object.entries(model.brands).map(
    ([id, b]) => `${id} (${b.corrections} corrections: sentiment ${b.sentiment.join('/')}, complaint ${b.complaint})`,
  );
  process.stderr.write(
    `wrote ${values.out} (${(json.length / 1024 / 1024).toFixed(2)} MB) from ${base.length} rows in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `negative at P≥${model.negativeAt} (${JSON.stringify(model.negativeAtByLanguage)}; not naming the brand ${String(model.negativeAtUnaddressed)}), complaint at P≥${model.complaintAt}, irony at ${model.ironyAt} (naming the brand ${String(model.ironyAtAddressed)}), category at ${model.categoryAt}${brands.length ? `; calibrated: ${brands.join(', ')}` : ''}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`train: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
