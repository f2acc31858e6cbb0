/**
 * Golden check for speed work on triage(), which must not change any output: writes, or compares
 * against a file written before the change, the full triage() output plus the features, decision
 * and category of a fixed spread of posts from every dev set (4,314 posts) and a few edge cases.
 * Numbers must agree within 1e-9, everything else exactly.
 * Usage: npx tsx scripts/triage-golden.ts FILE [--write]   (compares when FILE exists and --write is absent)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { categoryOf, decide } from '../src/triage/decide.js';
import { triage } from '../src/triage/index.js';
import { activeModel } from '../src/triage/model.js';
import { readPost } from '../src/triage/signals.js';
import { brandFor, loadAirline, loadAlexa, loadSentences, loadTwcs, type LabelledPost } from '../src/triage/train/dataset.js';
import { loadComplaints, loadIrony, loadMultilingual, loadTweeteval } from '../src/triage/train/dataset-tweets.js';
import { asMention } from '../src/triage/train/eval/speed.js';
import type { TriageContext } from '../src/triage-types.js';

/** `n` posts spread evenly over `xs`, so the sample does not depend on the file's order of topics. */
function every<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return [...xs];
  const out: T[] = [];
  for (let i = 0; i < n; i += 1) out.push(xs[Math.floor((i * xs.length) / n)] as T);
  return out;
}

const EDGE_CASES = [
  '',
  '!!!',
  '🙃',
  'Thanks a lot 🙃 deleted 2 years of my journal',
  'Mein Koffer ist seit zwei Tagen verschwunden … Anwalt',
  'Mi pedido nunca llegó',
  'How do I export my notebooks?',
  'kya hua?? ur cm candidate ran',
  "I can't log in and you charged me TWICE!!! lawyer",
  'x'.repeat(3000),
  'word '.repeat(600),
  '弁護士に相談します',
  'Ça ne marche pas, remboursement svp',
  '#NeverAgain @someone https://t.co/x &amp; stuff',
];

function sets(): Array<[string, LabelledPost[]]> {
  const out: Array<[string, LabelledPost[]]> = [
    ['airline', every(loadAirline(), 400)],
    ['sentences', every(loadSentences(), 300)],
    ['alexa', every(loadAlexa(), 300)],
    ['twcs', every(loadTwcs(), 300)],
    ['complaints', every(loadComplaints(), 300)],
    ['tweeteval', every(loadTweeteval(), 300)],
    ['irony', every(loadIrony(), 300)],
  ];
  const multi = loadMultilingual();
  for (const lang of [...new Set(multi.map((p) => p.language))])
    out.push([
      `multi-${lang}`,
      every(
        multi.filter((p) => p.language === lang),
        300,
      ),
    ]);
  out.push(['extra', EDGE_CASES.map((text): LabelledPost => ({ key: text, source: 'airline', text, sentiment: null }))]);
  return out;
}

const AUTHORS: Array<TriageContext['author']> = [
  { priorMentions: 0, recentMentions: 0, priorComplaints: 0, repliesSent: 0 },
  { priorMentions: 3, recentMentions: 2, priorComplaints: 1, repliesSent: 0 },
];

function outputs(): string[] {
  const model = activeModel();
  const lines: string[] = [];
  for (const [name, posts] of sets()) {
    posts.forEach((p, i) => {
      const brand = brandFor(p.source);
      const m = asMention(p.text, i, brand.id);
      if (i % 3 === 1) {
        m.author.followers = 12000 + i;
        m.engagement = { replies: i % 4, reposts: i % 3, likes: i };
      }
      if (p.source === 'alexa' && p.rating) m.rating = p.rating;
      if (name.startsWith('multi') && i % 5 === 0) m.lang = p.language ?? null;
      const out = triage(m, { brand, author: AUTHORS[i % 2] as TriageContext['author'] });
      const sig = readPost(m.text, brand, m.lang, false, model);
      const f = sig.features;
      const x: Record<string, unknown> = { lang: sig.lang, q: sig.question, intensity: sig.intensity, seeds: sig.seeds };
      Object.assign(x, { idx: [...f.idx], val: [...f.val], terms: f.terms });
      if (sig.lang.scored) {
        const d = decide(model, f, sig.lang.language, brand.id, m.rating);
        Object.assign(x, { d, cat: categoryOf(model, f, d, sig.question) });
      }
      lines.push(JSON.stringify({ set: name, i, out, x }));
    });
  }
  return lines;
}

/** The first difference between two parsed rows, or null. */
function differs(a: unknown, b: unknown, at: string): string | null {
  if (typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= 1e-9 || (Number.isNaN(a) && Number.isNaN(b)) ? null : `${at}: ${a} vs ${b}`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at}: length ${a.length} vs ${b.length}`;
    for (let k = 0; k < a.length; k += 1) {
      const d = differs(a[k], b[k], `${at}[${k}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
      const d = differs(ra[k], rb[k], `${at}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

const file = process.argv[2];
if (!file) throw new Error('usage: npx tsx scripts/triage-golden.ts FILE [--write]');
const lines = outputs();
if (process.argv.includes('--write') || !existsSync(file)) {
  writeFileSync(file, `${lines.join('\n')}\n`);
  console.log(`wrote ${lines.length} rows to ${file}`);
} else {
  const ref = readFileSync(file, 'utf8').trim().split('\n');
  let bad = 0;
  if (ref.length !== lines.length) console.log(`row count ${ref.length} vs ${lines.length}`);
  for (let k = 0; k < Math.min(ref.length, lines.length); k += 1) {
    const d = differs(JSON.parse(ref[k] as string), JSON.parse(lines[k] as string), '');
    if (d && (bad += 1) <= 10) console.log(`row ${k}: ${d}`);
  }
  console.log(
    bad || ref.length !== lines.length ? `MISMATCH: ${bad} of ${lines.length} rows differ` : `OK: ${lines.length} rows identical (1e-9)`,
  );
  process.exitCode = bad || ref.length !== lines.length ? 1 : 0;
}
