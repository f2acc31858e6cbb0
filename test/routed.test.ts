import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMention, type Mention } from '../src/mention.js';
import { routeStored } from '../src/route/route.js';
import { getItem } from '../src/store/inbox.js';
import { ingestMentions, loadMentions } from '../src/store/mentions.js';
import type { TriageResult } from '../src/triage-types.js';
import { testApp, type TestApp } from './helpers/app.js';

let app: TestApp;

const TRIAGE: TriageResult = {
  sentiment: 'negative', score: -0.7, sentimentConfidence: 0.9, complaint: true, complaintProbability: 0.95, category: 'delay_cancellation',
  question: false, language: 'en', urgency: 45, reasons: ['complaint (95% likely)', 'strongly negative'],
};

function post(n: number): Mention {
  const built = toMention({
    platform: 'mastodon', sourceId: 'src', brandId: 'acme', nativeId: `r${n}`, url: null, text: `@AcmeAir flight ${n} cancelled, no answer`, lang: 'en',
    createdAt: new Date().toISOString(), author: { id: 'grumpy', handle: 'grumpy', name: 'Grumpy', followers: 5, url: null }, inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 }, rating: null, replyRef: { statusId: `r${n}` },
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

async function complaints(): Promise<number> {
  const { rows } = await app.ctx.db.query<{ complaints: number }>(`SELECT complaints FROM authors WHERE platform = 'mastodon' AND native_id = 'grumpy'`);
  return rows[0]?.complaints ?? -1;
}

beforeAll(async () => {
  app = await testApp();
});

afterAll(async () => {
  await app?.close();
});

describe('the last write of routing', () => {
  it("stores the triage with the stage, and counts a complaint once however often the batch is routed", async () => {
    const mentions = [post(1), post(2)];
    await ingestMentions(app.ctx.db, mentions);
    const fresh = [...(await loadMentions(app.ctx.db, mentions.map((m) => m.id))).values()].map((s) => ({ ...s, triage: TRIAGE }));
    expect(fresh.map((s) => s.stage)).toEqual(['new', 'new']);
    await routeStored(app.ctx, fresh);
    // A re-run of the job with what it loaded before (stage "new" in hand), and one that loads again.
    await routeStored(app.ctx, fresh);
    await routeStored(app.ctx, [...(await loadMentions(app.ctx.db, mentions.map((m) => m.id))).values()]);
    expect(await complaints()).toBe(2);
    const stored = await loadMentions(app.ctx.db, mentions.map((m) => m.id));
    for (const m of mentions) expect(stored.get(m.id)).toMatchObject({ stage: 'routed', triage: TRIAGE });
    expect(await getItem(app.ctx.db, mentions[0]!.id)).toMatchObject({ status: 'new', category: 'delay_cancellation' });
  });
});
