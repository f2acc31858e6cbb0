/**
 * npm run bench:spikes: the airline dev set replayed in time order with the detector's clock
 * stepped through it (10 replay-minutes a step, 1 around the injected storms), a synthetic storm
 * and a one-author flood injected, and the recording cost measured. Figures go to BENCHMARKS.md.
 * `npm run bench:spikes -- --counting` times only the counting (a minute, no replay, no file written).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Mention } from '../src/mention.js';
import { TRIAGE_BATCH } from '../src/listen/poll.js';
import { recordForSpikes } from '../src/alerts/spikes/record.js';
import { sweepSpikes } from '../src/alerts/spikes/sweep.js';
import { ingestMentions, saveTriage } from '../src/store/mentions.js';
import { listSpikes } from '../src/store/spikes.js';
import { triage } from '../src/triage/index.js';
import type { TriageResult } from '../src/triage-types.js';
import { nth, present } from '../test/helpers/present.js';
import { AIRLINES, burst, loadAirline, oneAuthor } from './spikes-data.js';
import { startBenchStack } from './stack.js';

const FILE = path.resolve('..', 'shared', 'data', 'airline-tweets-dev.csv');
const BURST_AT = Date.parse('2015-02-19T14:00:00-08:00');
const RANT_AT = Date.parse('2015-02-19T10:00:00-08:00');
const LOCAL = -8 * 3_600_000;
const LOAD_AT_START = nth(os.loadavg(), 0).toFixed(1);
const local = (t: number): string => new Date(t + LOCAL).toISOString().slice(5, 16).replace('T', ' ');

async function setup() {
  const raw = {
    brands: [
      ...AIRLINES.map(({ label: _l, ...b }) => b),
      ...['dense', 'spread'].map((id) => ({ id, name: id, keywords: [], handles: [], hashtags: [] })),
    ],
    playbook: { templates: { default: 'Hi {name}' } },
  };
  return startBenchStack('spikes', raw);
}

function scoreAll(mentions: Mention[]): Map<string, TriageResult> {
  const brands = new Map(AIRLINES.map((b) => [b.id, b]));
  const out = new Map<string, TriageResult>();
  const author = { priorMentions: 0, recentMentions: 0, priorComplaints: 0, repliesSent: 0 };
  for (const m of mentions) out.set(m.id, triage(m, { brand: brands.get(m.brandId) ?? nth(AIRLINES, 0), author }));
  return out;
}

type Ctx = Awaited<ReturnType<typeof setup>>['ctx'];
type Scored = Parameters<typeof recordForSpikes>[2][number];

/**
 * Counts posts the way the workers do: one recordForSpikes call per triage job of TRIAGE_BATCH
 * posts, `inFlight` jobs at a time (workers.concurrency, 4 by default per process). Returns ms.
 */
async function countLikeWorkers(ctx: Ctx, posts: readonly Scored[], inFlight: number): Promise<number> {
  const brands = new Map(ctx.config.brands.map((b) => [b.id, b]));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < posts.length) {
        const batch = posts.slice(next, (next += TRIAGE_BATCH));
        await recordForSpikes(ctx.db, brands, batch);
      }
    }),
  );
  return performance.now() - t0;
}

/** Stores and triages the replay, then counts it as the workers would: the counting is what is timed. */
async function store(ctx: Ctx, mentions: Mention[], scored: Map<string, TriageResult>): Promise<number> {
  for (let i = 0; i < mentions.length; i += 500) {
    const batch = mentions.slice(i, i + 500);
    await ingestMentions(ctx.db, batch);
    await saveTriage(
      ctx.db,
      batch.map((m) => ({ id: m.id, triage: present(scored.get(m.id)) })),
    );
  }
  return countLikeWorkers(
    ctx,
    mentions.map((m) => ({ mention: m, triage: present(scored.get(m.id)) })),
    IN_FLIGHT,
  );
}

const IN_FLIGHT = 4;
const LOAD_POSTS = 60_000;

interface Load {
  perSecond: number;
  sweepMs: number;
}

/**
 * 60,000 posts (the airline texts again) into one brand, timed. `gapMs` apart in post time:
 * 0.5 ms is a real 2,000/s stream (30 s of it, few buckets, words repeat within each); 500 ms
 * spreads them over 8 hours, where nearly every term of a job is a new row (the costlier case).
 */
async function loadTest(ctx: Ctx, brandId: string, gapMs: number, texts: Mention[], scored: Map<string, TriageResult>): Promise<Load> {
  const start = Date.parse('2015-03-01T00:00:00Z');
  const all = Array.from({ length: LOAD_POSTS }, (_, i) => {
    const m = nth(texts, i % texts.length);
    return { mention: { ...m, brandId, createdAt: new Date(start + i * gapMs).toISOString() }, triage: present(scored.get(m.id)) };
  });
  const ms = await countLikeWorkers(ctx, all, IN_FLIGHT);
  const s0 = performance.now();
  await sweepSpikes(
    { ...ctx, config: { ...ctx.config, brands: ctx.config.brands.filter((b) => b.id === brandId) } },
    start + LOAD_POSTS * gapMs,
  );
  return { perSecond: all.length / (ms / 1000), sweepMs: performance.now() - s0 };
}

interface Seen {
  id: string;
  brand: string;
  detectedAt: number;
  lead: string;
  terms: string[];
}

async function replay(ctx: Ctx, from: number, to: number): Promise<{ seen: Map<string, Seen>; sweeps: number; sweepMs: number }> {
  const seen = new Map<string, Seen>();
  let sweeps = 0;
  const t0 = performance.now();
  for (let t = from; t <= to;) {
    const results = await sweepSpikes(ctx, t);
    sweeps += 1;
    for (const r of results) {
      if (!r.spike || seen.has(r.spike.id) || (r.action !== 'opened' && r.action !== 'reopened')) continue;
      const e = r.spike.explanation;
      const lead = e.rose[0];
      seen.set(r.spike.id, {
        id: r.spike.id,
        brand: r.brand,
        detectedAt: t,
        lead: lead
          ? `${lead.label} ${Math.round(lead.observed)} vs ${lead.expected} exp. (${lead.windowMinutes} min, ${lead.authors} authors)`
          : '',
        terms: e.terms.slice(0, 5).map((x) => x.term),
      });
    }
    const nearInjection = Math.abs(t - BURST_AT) < 40 * 60_000 || Math.abs(t - RANT_AT) < 40 * 60_000;
    t += nearInjection ? 60_000 : 10 * 60_000;
  }
  return { seen, sweeps, sweepMs: (performance.now() - t0) / sweeps };
}

function section(lines: string[]): void {
  const file = 'BENCHMARKS.md';
  const text = readFileSync(file, 'utf8');
  const body = `## Spikes (npm run bench:spikes)\n\n${lines.join('\n')}\n`;
  const start = text.indexOf('## Spikes (npm run bench:spikes)');
  if (start < 0) return writeFileSync(file, `${text.trimEnd()}\n\n${body}`);
  const next = text.indexOf('\n## ', start + 5);
  writeFileSync(file, text.slice(0, start) + body + (next < 0 ? '' : text.slice(next + 1)));
}

async function main(): Promise<void> {
  const { ctx, close } = await setup();
  try {
    const real = loadAirline(FILE);
    const delta = present(AIRLINES.find((a) => a.id === 'delta'));
    const southwest = present(AIRLINES.find((a) => a.id === 'southwest'));
    const injected = [...burst(delta, BURST_AT), ...oneAuthor(southwest, RANT_AT)];
    const mentions = [...real, ...injected].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    const scored = scoreAll(mentions);
    const recordMs = await store(ctx, mentions, scored);
    if (process.argv.includes('--counting')) {
      console.log({
        recordPerSecond: Math.round(mentions.length / (recordMs / 1000)),
        dense: await loadTest(ctx, 'dense', 0.5, real, scored),
        spread: await loadTest(ctx, 'spread', 500, real, scored),
      });
      return;
    }
    const first = Date.parse(nth(mentions, 0).createdAt);
    const last = Date.parse(nth(mentions, mentions.length - 1).createdAt);
    const { seen, sweeps, sweepMs } = await replay(ctx, first + 6 * 3_600_000, last + 3_600_000);
    const dense = await loadTest(ctx, 'dense', 0.5, real, scored);
    const spread = await loadTest(ctx, 'spread', 500, real, scored);
    const spikes = await listSpikes(ctx.db, { limit: 500 });
    report({
      real: real.length,
      recordPerSecond: mentions.length / (recordMs / 1000),
      dense,
      spread,
      sweeps,
      sweepMs,
      seen,
      spikes,
      first,
      last,
    });
  } finally {
    await close();
  }
}

function report(r: {
  real: number;
  recordPerSecond: number;
  dense: Load;
  spread: Load;
  sweeps: number;
  sweepMs: number;
  seen: Map<string, Seen>;
  spikes: Awaited<ReturnType<typeof listSpikes>>;
  first: number;
  last: number;
}): void {
  const label = (id: string): string => AIRLINES.find((a) => a.id === id)?.label ?? id;
  const rows = [...r.seen.values()].sort((a, b) => a.detectedAt - b.detectedAt);
  const burstHit = rows.find((s) => s.brand === 'delta' && s.detectedAt >= BURST_AT && s.detectedAt <= BURST_AT + 40 * 60_000);
  const burstTerms = burstHit
    ? (r.spikes
        .find((s) => s.id === burstHit.id)
        ?.explanation.terms.slice(0, 5)
        .map((t) => t.term) ?? [])
    : [];
  const rant = rows.filter((s) => s.brand === 'southwest' && s.detectedAt >= RANT_AT && s.detectedAt <= RANT_AT + 90 * 60_000);
  const quietDays = ['02-17', '02-18', '02-19', '02-20'];
  const quiet = rows.filter((s) => quietDays.includes(local(s.detectedAt).slice(0, 5)) && s !== burstHit);
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 16)} UTC, Node ${process.version}, on the shared 2-core machine (load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ' / ',
      )} over 1 / 5 / 15 min at the end; ${LOAD_AT_START} at the start). ${r.real} real tweets (dev split) from ${local(r.first)} to ${local(r.last)} (Pacific time, as the data set writes it), six airlines as six brands, plus the injected posts; default settings (sensitivity normal = 4.5, minAuthors 8, 5-minute buckets, 30-minute and 3-hour windows). ${r.sweeps} detector sweeps, ${Math.round(r.sweepMs)} ms each for all six airlines. Counting is timed as the workers run it: one recordForSpikes per triage job of ${TRIAGE_BATCH} posts, ${IN_FLIGHT} jobs at a time (workers.concurrency's default).`,
    '',
    `| figure | value | target |`,
    `|---|---|---|`,
    `| synthetic storm (200 posts, 150 authors, 20 min, Delta, from ${local(BURST_AT)}) detected after | ${burstHit ? `${Math.round((burstHit.detectedAt - BURST_AT) / 60_000)} replay-min` : 'not detected'} | ≤ 5 min |`,
    `| its top five terms | ${burstTerms.join(', ') || '—'} | topic terms in the top five |`,
    `| one author, 50 posts in 30 min (Southwest, from ${local(RANT_AT)}) | ${rant.length ? `raised ${rant.length} spike(s)` : 'no spike'} | no crisis |`,
    `| false alarms on the quiet days 17–20 Feb (all six airlines) | ${quiet.length} in 4 days = ${(quiet.length / 4).toFixed(2)} per replay-day | ≤ 1 |`,
    `| counting (terms + buckets, PostgreSQL writes), the replay | ${Math.round(r.recordPerSecond)} mentions/s | ≥ 2,000 |`,
    `| counting, 60,000 posts at 2,000/s (30 s of stream) into one brand | ${Math.round(r.dense.perSecond)} mentions/s; its sweep ${Math.round(r.dense.sweepMs)} ms | ≥ 2,000 |`,
    `| counting, 60,000 posts over 8 hours into one brand | ${Math.round(r.spread.perSecond)} mentions/s; its sweep ${Math.round(r.spread.sweepMs)} ms | ≥ 2,000 |`,
    '',
    'Spikes found (detection time, Pacific):',
    '',
    '| airline | detected | what rose (observed vs expected) | top terms when opened | final severity, posts |',
    '|---|---|---|---|---|',
    ...rows.map((s) => {
      const rec = r.spikes.find((x) => x.id === s.id);
      return `| ${label(s.brand)} | ${local(s.detectedAt)} | ${s.lead} | ${s.terms.join(', ')} | ${rec?.severity ?? ''}, ${rec?.explanation.totalPosts ?? ''} |`;
    }),
  ];
  section(lines);
  console.log(lines.join('\n'));
}

await main();
