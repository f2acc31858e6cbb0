/**
 * In-process A/B of triage() speed: a copy of another tree's src/ (say, main before a change:
 * `git archive main src | tar -x -C /tmp/base`, with node_modules and models/ beside it or
 * symlinked) against this tree, in one process, in alternating batches, the order flipped each
 * pair. On a shared machine two runs minutes apart differ by 10–30%; pairs run back to back see
 * the same contention, so the median of their ratios resolves a few per cent. The outputs of the
 * two are compared on every post first. Prints posts per CPU-second of each and the per-pair ratio.
 * Usage: npx tsx scripts/triage-ab.ts --base /tmp/base [--set en|multi] [--seconds 30] [--batch 500]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrandConfig } from '../src/config/schema.js';
import type { Mention } from '../src/mention.js';
import { readCsvObjects } from '../src/text/csv.js';
import { AIRLINE_BRAND, DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';
import { asMention } from '../src/triage/train/eval/speed.js';
import { triage as current } from '../src/triage/index.js';
import type { TriageContext, TriageResult } from '../src/triage-types.js';

type Triage = (m: Mention, c: TriageContext) => TriageResult;
const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const baseDir = opt('--base', '');
if (!baseDir) throw new Error('--base DIR: a tree with the src/ to compare against');
const base = ((await import(path.resolve(baseDir, 'src/triage/index.ts'))) as { triage: Triage }).triage;

const english = opt('--set', 'en') === 'en';
const seconds = Number(opt('--seconds', '30'));
const batch = Number(opt('--batch', '500'));
const NO_BRAND: BrandConfig = { id: 'none', name: '', keywords: [], handles: [], hashtags: [] };
const file = english ? 'airline-tweets-dev.csv' : 'multilingual-sentiment-dev.csv';
const posts = readCsvObjects(readFileSync(path.join(DEFAULT_DATA_DIR, file), 'utf8')).map((r, i) =>
  asMention(r.text ?? '', i, english ? AIRLINE_BRAND.id : NO_BRAND.id),
);
const ctx: TriageContext = {
  brand: english ? AIRLINE_BRAND : NO_BRAND,
  author: { priorMentions: 0, recentMentions: 0, priorComplaints: 0, repliesSent: 0 },
};
for (const m of posts) {
  if (JSON.stringify(base(m, ctx)) !== JSON.stringify(current(m, ctx))) throw new Error(`outputs differ on: ${m.text}`);
}

let at = 0;
function pass(f: Triage): number {
  const before = process.cpuUsage();
  for (let k = 0; k < batch; k += 1) f(posts[(at + k) % posts.length] as Mention, ctx);
  const u = process.cpuUsage(before);
  return batch / ((u.user + u.system) / 1e6);
}

const a: number[] = [];
const b: number[] = [];
const start = Date.now();
for (let flip = false; Date.now() - start < seconds * 1000; flip = !flip) {
  if (flip) {
    b.push(pass(current));
    a.push(pass(base));
  } else {
    a.push(pass(base));
    b.push(pass(current));
  }
  at = (at + batch) % posts.length;
}
const quantile = (xs: number[], q: number): number => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) * q)] as number;
const ratios = a.map((x, i) => (b[i] as number) / x);
const n = (x: number): string => Math.round(x).toLocaleString('en-US');
console.log(
  `${english ? 'English' : 'other languages'}: base median ${n(quantile(a, 0.5))} posts/s, this tree ${n(quantile(b, 0.5))}; ` +
    `this/base per pair: median ${quantile(ratios, 0.5).toFixed(3)} (quartiles ${quantile(ratios, 0.25).toFixed(3)}–${quantile(ratios, 0.75).toFixed(3)}, ${a.length} pairs)`,
);
