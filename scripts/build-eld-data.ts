/**
 * `npm run build:eld`: writes models/eld-small.json, ELD's "small" n-gram table as JSON.
 * ELD ships the table as a 1.6 MB JavaScript object literal; compiling that costs a worker about
 * 150 MB of memory and over a second at start, reading the same table as JSON about 50 MB and
 * 0.4 s (measured 2026-12-01). Rerun it after upgrading eld; test/triage-eld.test.ts fails if the
 * file and the installed package disagree.
 *
 * The table is ELD's (Copyright 2023 Nito T.M., Apache-2.0, https://github.com/nitotm/efficient-language-detector-js).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ELD_DATA_FILE, eldPackageFile } from '../src/triage/eld-data.js';

const { ngramsData } = (await import(eldPackageFile('ngrams/small.js'))) as { ngramsData: unknown };
const version = (JSON.parse(readFileSync(new URL(eldPackageFile('../package.json')), 'utf8')) as { version: string }).version;
const out = {
  about: `ELD ${version} small n-gram table (Copyright 2023 Nito T.M., Apache-2.0); written by scripts/build-eld-data.ts`,
  version,
  ngrams: ngramsData,
};
writeFileSync(ELD_DATA_FILE, JSON.stringify(out));
console.log(`wrote ${ELD_DATA_FILE} from eld ${version}`);
