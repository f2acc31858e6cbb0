/**
 * Prints the draft for each demo post that the inbox would get, with the author's history as the
 * pipeline sees it (their earlier demo posts). `npx tsx scripts/demo-drafts.ts [--all]`
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/app/config.js';
import type { AuthorHistory } from '../src/store/drafts.js';
import type { Mention } from '../src/mention.js';
import { decideRoute } from '../src/route/route.js';
import { draftReply } from '../src/playbook/draft.js';
import { triage } from '../src/triage/index.js';

const WEEK = 30 * 86_400_000;
const config = loadConfig(path.resolve('config/earshot.yaml'), {});
const [brand] = config.brands;
if (!brand) throw new Error('config/earshot.yaml names no brand');
const rows = readFileSync('config/sample-mentions.jsonl', 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const all = process.argv.includes('--all');
for (const [i, p] of rows.entries()) {
  const mention: Mention = {
    id: 'm_0000000000000000000000',
    platform: 'demo',
    sourceId: 'demo-file',
    brandId: brand.id,
    nativeId: p.id,
    url: null,
    text: p.text,
    lang: p.lang ?? null,
    createdAt: p.createdAt,
    author: { id: p.author.id, handle: p.author.handle, name: p.author.name, followers: p.author.followers ?? null, url: null },
    inReplyToId: p.inReplyToId ?? null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: p.rating ?? null,
    replyRef: {},
  };
  const at = Date.parse(p.createdAt);
  const earlier = rows.slice(0, i).filter((r) => r.author.id === p.author.id && Date.parse(r.createdAt) < at);
  const recent = earlier.filter((r) => Date.parse(r.createdAt) >= at - WEEK);
  const history: AuthorHistory = {
    priorMentions: earlier.length,
    recentMentions: recent.length,
    repliesSent: 0,
    recentTexts: recent.reverse().map((r) => r.text),
  };
  const t = triage(mention, {
    brand,
    author: { priorMentions: earlier.length, recentMentions: recent.length, priorComplaints: 0, repliesSent: 0 },
  });
  const route = decideRoute(t, config.triage.urgentThreshold);
  if (route === 'analytics' && !all) continue;
  const d = draftReply({ mention, triage: t, brand, playbook: config.playbook, history });
  console.log(
    `\n${p.id} [${route} ${t.category} ${t.language}] ${p.text}\n  -> ${d.text.replace(/\n/g, ' / ')}\n  used: ${d.used.join('; ')}${d.warnings.length ? `\n  WARN: ${d.warnings.join('; ')}` : ''}`,
  );
}
