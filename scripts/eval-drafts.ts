/**
 * `npm run eval:drafts`: how close Earshot's drafts come to the replies brands really sent, on
 * the TWCS dev sample. For each consumer tweet a brand answered, drafts are built only from what
 * that brand answered earlier (team retrieval sees earlier pairs only; nothing sees the reply
 * itself) and scored against the real reply: ROUGE-L F, content-word F1, and the share that ask
 * for a detail the post (or the author's earlier tweets) already gave. Then the guardrail table
 * on the hand-written corpus in test/fixtures/guardrail-corpus.ts.
 *
 *   npm run eval:drafts [-- --data ../shared/data --out BENCHMARKS-drafts.md]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import type { BrandConfig } from '../src/config/schema.js';
import { compose } from '../src/drafts/composer.js';
import type { AuthorHistory } from '../src/store/drafts.js';
import { contentF1, rougeL } from '../src/drafts/eval-metrics.js';
import { teamReplies, type TeamCandidate } from '../src/drafts/retrieval.js';
import { asksForGiven, postFacts } from '../src/drafts/slots.js';
import type { Mention } from '../src/mention.js';
import { templateReply } from '../src/playbook/draft.js';
import { Playbook } from '../src/config/playbook.js';
import { readCsvObjects } from '../src/text/csv.js';
import { DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';
import { triage } from '../src/triage/index.js';
import { guardrailTable } from './eval-guardrails.js';

const { values } = parseArgs({ options: { data: { type: 'string', default: DEFAULT_DATA_DIR } } });

interface Tweet {
  id: string;
  author: string;
  inbound: boolean;
  at: number;
  text: string;
  replyTo: string | null;
}

const rows: Tweet[] = readCsvObjects(readFileSync(path.join(values.data, 'twcs-sample-dev.csv'), 'utf8')).map((r) => ({
  id: r['tweet_id'] ?? '',
  author: r['author_id'] ?? '',
  inbound: r['inbound'] === 'True',
  at: Date.parse(r['created_at'] ?? ''),
  text: r['text'] ?? '',
  replyTo: r['in_response_to_tweet_id'] ? String(r['in_response_to_tweet_id']).replace(/\.0$/, '') : null,
}));
const byId = new Map(rows.map((t) => [t.id, t]));
const pairs = rows
  .filter((t) => !t.inbound && t.replyTo && byId.get(t.replyTo)?.inbound)
  .map((reply) => ({ post: byId.get(reply.replyTo as string) as Tweet, reply }))
  .sort((a, b) => a.reply.at - b.reply.at);

const playbook = Playbook.parse(YAML.parse(readFileSync(path.resolve('scripts/eval-playbook.yaml'), 'utf8')));

function brandOf(handle: string): BrandConfig {
  return {
    id:
      handle
        .toLowerCase()
        .replace(/[^a-z0-9_-]/g, '')
        .slice(0, 60) || 'brand',
    name: handle,
    keywords: [],
    handles: [`@${handle}`],
    hashtags: [],
  };
}

function mentionOf(t: Tweet, brand: BrandConfig): Mention {
  return {
    id: 'm_0000000000000000000000',
    platform: 'x',
    sourceId: 'twcs',
    brandId: brand.id,
    nativeId: t.id,
    url: null,
    text: t.text,
    lang: null,
    createdAt: new Date(t.at).toISOString(),
    author: { id: t.author, handle: t.author, name: '', followers: null, url: null },
    inReplyToId: t.replyTo,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: {},
  };
}

const WEEK = 30 * 86_400_000;
function historyOf(t: Tweet): AuthorHistory {
  const earlier = rows.filter((o) => o.inbound && o.author === t.author && o.at < t.at);
  const recent = earlier.filter((o) => o.at >= t.at - WEEK).sort((a, b) => b.at - a.at);
  return {
    priorMentions: earlier.length,
    recentMentions: recent.length,
    repliesSent: 0,
    recentTexts: recent.slice(0, 5).map((o) => o.text),
  };
}

type SourceName = 'category template' | 'composer' | 'team retrieval';
const scores: Record<SourceName, { rouge: number[]; f1: number[]; asks: number; n: number }> = {
  'category template': { rouge: [], f1: [], asks: 0, n: 0 },
  composer: { rouge: [], f1: [], asks: 0, n: 0 },
  'team retrieval': { rouge: [], f1: [], asks: 0, n: 0 },
};
const earlierByBrand = new Map<string, TeamCandidate[]>();
let teamMissing = 0;

function score(source: SourceName, draft: string, reference: string, asksAgain: boolean): void {
  const s = scores[source];
  s.rouge.push(rougeL(draft, reference));
  s.f1.push(contentF1(draft, reference));
  s.n += 1;
  if (asksAgain) s.asks += 1;
}

for (const { post, reply } of pairs) {
  const brand = brandOf(reply.author);
  const mention = mentionOf(post, brand);
  const history = historyOf(post);
  const t = triage(mention, {
    brand,
    author: { priorMentions: history.priorMentions, recentMentions: history.recentMentions, priorComplaints: 0, repliesSent: 0 },
  });
  const facts = postFacts(post.text, history.recentTexts);
  const template = templateReply({ mention, triage: t, brand, playbook }).text;
  score('category template', template, reply.text, asksForGiven(template, facts));
  const composed = compose({ mention, triage: t, brand, playbook, history, name: '', handle: `@${post.author}` })?.text ?? template;
  score('composer', composed, reply.text, asksForGiven(composed, facts));
  // Only replies this brand sent before this one; the pair itself joins afterwards.
  const earlier = earlierByBrand.get(brand.id) ?? [];
  const team = teamReplies(post.text, { name: '', handle: `@${post.author}` }, earlier, 1)[0];
  if (team) score('team retrieval', team.text, reply.text, asksForGiven(team.text, facts));
  else {
    teamMissing += 1;
    score('team retrieval', composed, reply.text, asksForGiven(composed, facts));
  }
  earlier.push({ post: post.text, reply: reply.text, name: '', handle: post.author, ref: { id: reply.id } });
  earlierByBrand.set(brand.id, earlier);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(
  `\nDrafts against the brands' real replies: ${pairs.length} answered consumer tweets, ${new Set(pairs.map((p) => p.reply.author)).size} brands (${path.join(values.data, 'twcs-sample-dev.csv')})\n`,
);
console.log('| source | ROUGE-L F | content-word F1 | asks for what the post gave |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, s] of Object.entries(scores)) {
  console.log(`| ${name} | ${mean(s.rouge).toFixed(3)} | ${mean(s.f1).toFixed(3)} | ${pct(s.asks / (s.n || 1))} |`);
}
console.log(
  `\nTeam retrieval had no earlier reply of the brand sharing a word for ${teamMissing} of ${pairs.length} posts; the composer's draft stands there (as in the inbox).`,
);
guardrailTable();
