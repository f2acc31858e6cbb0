/**
 * CPU time per post of triage() and of the stages whose inputs do not depend on earlier memos
 * (masking, language ID, the wink-nlp reading, the risk terms), on the airline dev tweets: the
 * best of several passes of each, in one process. A stage's change shows here even when the
 * whole-triage rate of scripts/triage-speed.ts, on a shared machine, cannot resolve it.
 * Stages that read an analysis (cues, seeds, features) are left out: run on analyses made once,
 * they would read memos the first pass filled and look cheaper than they are inside triage().
 * Usage: npx tsx scripts/triage-stages.ts [--passes 6] [--only triage,mask,...]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readCsvObjects } from '../src/text/csv.js';
import { triage } from '../src/triage/index.js';
import { identifyLanguage } from '../src/triage/language.js';
import { maskDetailed } from '../src/triage/mask.js';
import { activeModel, hinglishProbability } from '../src/triage/model.js';
import { analyse } from '../src/triage/nlp.js';
import { riskHits } from '../src/triage/risk.js';
import { readPost } from '../src/triage/signals.js';
import { AIRLINE_BRAND, DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';
import { asMention } from '../src/triage/train/eval/speed.js';
import type { TriageContext } from '../src/triage-types.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const texts = readCsvObjects(readFileSync(path.join(DEFAULT_DATA_DIR, 'airline-tweets-dev.csv'), 'utf8')).map((r) => r.text ?? '');
const model = activeModel();
const masked = texts.map((t) => maskDetailed(t, AIRLINE_BRAND).text);
const mentions = texts.map((t, i) => asMention(t, i, AIRLINE_BRAND.id));
const ctx: TriageContext = { brand: AIRLINE_BRAND, author: { priorMentions: 0, recentMentions: 0, priorComplaints: 0, repliesSent: 0 } };
const hinglish = (words: readonly string[]): number => hinglishProbability(model, words);

const stages: Array<[string, () => void]> = [
  ['triage', () => mentions.forEach((m) => triage(m, ctx))],
  ['readPost', () => texts.forEach((t) => readPost(t, AIRLINE_BRAND, null, true, model))],
  ['mask', () => texts.forEach((t) => maskDetailed(t, AIRLINE_BRAND))],
  ['language', () => masked.forEach((text) => identifyLanguage({ text, declared: null, hinglish }))],
  ['analyse', () => masked.forEach((text) => analyse(text))],
  ['risk', () => masked.forEach((text) => riskHits(text))],
];
const only = opt('--only')?.split(',');
const chosen = stages.filter(([name]) => !only || only.includes(name));
const passes = Number(opt('--passes') ?? 6);
const best = new Map<string, number>();
for (let pass = 0; pass < passes; pass += 1)
  for (const [name, run] of chosen) {
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    best.set(name, Math.min(best.get(name) ?? Infinity, (used.user + used.system) / texts.length));
  }
console.log([...best].map(([name, us]) => `${name} ${us.toFixed(2)} µs`).join('   '));
