/**
 * `npm run build:eld`: writes models/eld-small.bin, ELD's "small" n-gram table packed as
 * src/triage/eld-table.ts reads it. ELD ships the table as a 1.6 MB JavaScript object literal;
 * compiling that costs a worker about 150 MB of memory and over a second at start, reading it as
 * JSON still about 65 MB of resident memory (measured 2026-12-01 and 2026-12-04), the packed form
 * about 3 MB. Rerun it after upgrading eld; test/triage-eld.test.ts fails if the file and the
 * installed package disagree.
 *
 * The table is ELD's (Copyright 2023 Nito T.M., Apache-2.0, https://github.com/nitotm/efficient-language-detector-js).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ELD_DATA_FILE, eldPackageFile } from '../src/triage/eld-data.js';
import { PackedNgrams, type NgramTable } from '../src/triage/eld-table.js';

const { ngramsData } = (await import(eldPackageFile('ngrams/small.js'))) as { ngramsData: NgramTable };
const version = (JSON.parse(readFileSync(new URL(eldPackageFile('../package.json')), 'utf8')) as { version: string }).version;
const about = `ELD ${version} small n-gram table (Copyright 2023 Nito T.M., Apache-2.0); written by scripts/build-eld-data.ts`;
writeFileSync(ELD_DATA_FILE, PackedNgrams.fromTable(ngramsData, about, version).toBuffer());
console.log(`wrote ${ELD_DATA_FILE} from eld ${version}`);
