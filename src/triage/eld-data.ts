import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FastEld, type Eld, type ResultClass } from './eld-detect.js';
import { PackedNgrams } from './eld-table.js';

/**
 * ELD (the `eld` package) with its "small" n-gram table read from models/eld-small.bin, packed
 * (eld-table.ts). The package's own entry compiles the table as a JavaScript object literal,
 * which costs each worker ~150 MB of memory and over a second at start; read as JSON it was still
 * ~65 MB of resident memory; packed, about 3 MB and a few milliseconds. scripts/build-eld-data.ts
 * writes the file from the installed package, and a test checks both still agree.
 */
export const ELD_DATA_FILE = path.join(repoRoot(), 'models', 'eld-small.bin');

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5 && !existsSync(path.join(dir, 'package.json')); i += 1) dir = path.dirname(dir);
  return dir;
}

/** A file inside eld's src/ folder, by URL: the package exports only its entries, so it is found beside one. */
export function eldPackageFile(relative: string): string {
  return new URL(`../${relative}`, import.meta.resolve('eld/small')).href;
}

// eld's own separator regex, byte dictionary and result class: FastEld (eld-detect.ts) scores as eld does, with these parts.
const [{ separators }, { dictionary }, { LanguageResult }] = (await Promise.all([
  import(eldPackageFile('regexPatterns.js')),
  import(eldPackageFile('dictionary.js')),
  import(eldPackageFile('LanguageResult.js')),
])) as [{ separators: RegExp }, { dictionary: string[] }, { LanguageResult: ResultClass }];

function build(): Eld {
  return new FastEld(PackedNgrams.fromBuffer(readFileSync(ELD_DATA_FILE), ELD_DATA_FILE), {
    separators,
    dictionary,
    Result: LanguageResult,
  });
}

let instance: Eld | null = null;

/** Loaded on the first post that needs it: a worker that only ever sees plain English never pays for the table. */
export const eld: Eld = { detect: (text) => (instance ??= build()).detect(text) };
