/**
 * Guides rule design on the airline dev file: 3-class macro-F1 and negative precision/recall
 * for triage() and for raw wink-nlp sentiment. Not a test: the held-out split decides.
 * Run: npx tsx scripts/triage-peek.ts [path-to-csv]
 */
import { readFileSync } from 'node:fs';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { readCsvObjects } from '../src/text/csv.js';
import { triage } from '../src/triage/index.js';
import type { Mention } from '../src/mention.js';
import type { BrandConfig } from '../src/config/schema.js';
import type { TriageContext } from '../src/triage/types.js';

const LABELS = ['negative', 'neutral', 'positive'] as const;
type Label = (typeof LABELS)[number];

// The dataset's "Delta" rows are really about JetBlue (see /work/shared/data/README.md).
const BRANDS: Record<string, BrandConfig> = {
  United: brand('united', 'United', ['united']),
  'US Airways': brand('usairways', 'US Airways', ['usairways']),
  American: brand('american', 'American Airlines', ['americanair']),
  Southwest: brand('southwest', 'Southwest', ['southwestair']),
  Delta: brand('jetblue', 'JetBlue', ['jetblue']),
  'Virgin America': brand('virgin', 'Virgin America', ['virginamerica']),
};

function brand(id: string, name: string, handles: string[]): BrandConfig {
  return { id, name, keywords: [], handles, hashtags: handles };
}

function toMention(row: Record<string, string>, i: number): Mention {
  return {
    id: `m_${String(i).padStart(22, '0')}`,
    platform: 'twitter',
    sourceId: 'dev',
    brandId: 'dev',
    nativeId: row.tweet_id ?? String(i),
    url: null,
    text: row.text ?? '',
    lang: null,
    createdAt: '2015-02-20T00:00:00Z',
    author: { id: row.name ?? 'x', handle: row.name ?? 'x', name: '', followers: null, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: {},
  };
}

function report(name: string, gold: Label[], pred: Label[]): void {
  const f1s: number[] = [];
  const lines: string[] = [];
  for (const label of LABELS) {
    let tp = 0, fp = 0, fn = 0;
    gold.forEach((g, i) => {
      const p = pred[i];
      if (p === label && g === label) tp += 1;
      else if (p === label) fp += 1;
      else if (g === label) fn += 1;
    });
    const precision = tp / Math.max(1, tp + fp);
    const recall = tp / Math.max(1, tp + fn);
    f1s.push(precision + recall ? (2 * precision * recall) / (precision + recall) : 0);
    lines.push(`${label} P=${precision.toFixed(3)} R=${recall.toFixed(3)}`);
  }
  const macro = f1s.reduce((s, f) => s + f, 0) / f1s.length;
  const acc = gold.filter((g, i) => g === pred[i]).length / gold.length;
  console.log(`${name.padEnd(28)} macro-F1=${macro.toFixed(3)} acc=${acc.toFixed(3)} | ${lines.join(' | ')}`);
}

const path = process.argv[2] ?? '/work/shared/data/airline-tweets-dev.csv';
const rows = readCsvObjects(readFileSync(path, 'utf8')).filter((r) => LABELS.includes(r.airline_sentiment as Label));
const gold = rows.map((r) => r.airline_sentiment as Label);
const mentions = rows.map(toMention);
const noHistory: TriageContext['author'] = { priorMentions: 0, recentMentions: 0, priorComplaints: 0, repliesSent: 0 };

const start = performance.now();
const results = mentions.map((m, i) => triage(m, { brand: BRANDS[rows[i]?.airline ?? ''] ?? BRANDS.United!, author: noHistory }));
const seconds = (performance.now() - start) / 1000;

console.log(`${rows.length} rows (duplicated tweet ids kept as separate rows)`);
report('rules (triage)', gold, results.map((r) => r.sentiment));

const nlp = winkNLP(model, ['sbd', 'negation', 'sentiment']);
const raw = rows.map((r) => Number(nlp.readDoc(r.text ?? '').out(nlp.its.sentiment)) || 0);
for (const band of [0, 0.05, 0.1]) {
  report(`raw wink, neutral |s|<=${band}`, gold, raw.map((s) => (s > band ? 'positive' : s < -band ? 'negative' : 'neutral')));
}

const cats: Record<string, number> = {};
for (const r of results) cats[r.category] = (cats[r.category] ?? 0) + 1;
console.log('categories:', JSON.stringify(cats));
console.log(`complaint=true on ${results.filter((r) => r.complaint).length}; language und on ${results.filter((r) => r.language === 'und').length}`);
// CPU time rather than wall time, so other work on a shared machine does not skew the figure.
const cpuStart = process.cpuUsage();
const warmStart = performance.now();
mentions.forEach((m, i) => triage(m, { brand: BRANDS[rows[i]?.airline ?? ''] ?? BRANDS.United!, author: noHistory }));
const warm = (performance.now() - warmStart) / 1000;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(
  `throughput: ${Math.round(rows.length / seconds)} posts/s first pass (wall), ` +
    `${Math.round(rows.length / warm)} posts/s warm (wall), ${Math.round(rows.length / cpuSeconds)} posts per CPU-second warm`,
);
