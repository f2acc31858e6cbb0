import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import type { BrandConfig } from '../src/config/schema.js';
import { toMention } from '../src/mention.js';
import { readAudit } from '../src/store/audit.js';
import { readCorrections, saveCorrection, type Correction } from '../src/store/corrections.js';
import { createItems, getItem } from '../src/store/inbox.js';
import { ingestMentions, loadMentions, saveTriage } from '../src/store/mentions.js';
import type { TrainingRow } from '../src/triage/train/fit.js';
import { predict } from '../src/triage/model.js';
import { retrain } from '../src/triage/train/retrain.js';
import { readPost } from '../src/triage/signals.js';
import type { TriageResult } from '../src/triage-types.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';

let app: TestApp;
let server: FastifyInstance;

beforeAll(async () => {
  app = await testApp();
  server = await buildServer(app.ctx);
});

afterAll(async () => {
  await server.close();
  await app.close();
});

const TRIAGE: TriageResult = {
  sentiment: 'negative',
  score: -0.7,
  sentimentConfidence: 0.8,
  complaint: true,
  complaintProbability: 0.9,
  category: 'other',
  question: false,
  language: 'en',
  urgency: 40,
  reasons: ['complaint (90% likely)'],
};

async function seedItem(nativeId: string, text: string): Promise<string> {
  const built = toMention({
    platform: 'mastodon',
    sourceId: 'feed',
    brandId: 'acme',
    nativeId,
    url: null,
    text,
    lang: 'en',
    createdAt: new Date().toISOString(),
    author: { id: 'u1', handle: 'kim', name: 'Kim', followers: null, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: {},
  });
  if (!built.ok) throw new Error(built.reason);
  const { ctx } = app;
  const id = built.mention.id;
  await ingestMentions(ctx.db, [built.mention]);
  await saveTriage(ctx.db, [{ id, triage: TRIAGE }]);
  await createItems(ctx, [
    {
      id,
      brandId: 'acme',
      sourceId: 'feed',
      platform: 'mastodon',
      priority: 'normal',
      urgency: 40,
      category: 'other',
      sentiment: 'negative',
      createdAt: Date.now(),
      slaDueAt: Date.now() + 3_600_000,
      draft: 'Hi',
      draftTemplate: 'default',
      draftWarnings: [],
    },
  ]);
  return id;
}

function post(role: keyof typeof TOKENS, id: string, payload: unknown): Promise<LightMyRequestResponse> {
  return server.inject({
    method: 'POST',
    url: `/api/items/${id}/triage`,
    headers: { authorization: `Bearer ${TOKENS[role]}` },
    payload: payload as object,
  });
}

describe('POST /api/items/:id/triage', () => {
  it('stores the correction with the text, updates the item and audits it', async () => {
    const id = await seedItem('c-1', 'Flight moved again, nobody told me');
    const res = await post('responder', id, { sentiment: 'neutral', category: 'delay_cancellation' });
    expect(res.statusCode).toBe(200);
    expect(res.json().item.category).toBe('delay_cancellation');
    expect((await getItem(app.ctx.db, id))?.sentiment).toBe('neutral');
    expect((await loadMentions(app.ctx.db, [id])).get(id)?.triage?.category).toBe('delay_cancellation');

    const [c] = (await readCorrections(app.ctx.db)).filter((x) => x.itemId === id);
    expect(c).toMatchObject({
      brandId: 'acme',
      text: 'Flight moved again, nobody told me',
      actor: 'responder',
      labels: { sentiment: 'neutral', category: 'delay_cancellation' },
    });
    expect(c?.before).toEqual({ sentiment: 'negative', complaint: true, category: 'other' });
    const audit = await readAudit(app.ctx.db, { itemId: id });
    expect(audit.some((e) => e.action === 'triage.corrected' && e.actor === 'responder')).toBe(true);
  });

  it('requires the responder role and a valid body', async () => {
    const id = await seedItem('c-2', 'Great crew today');
    expect((await post('viewer', id, { sentiment: 'positive' })).statusCode).toBe(403);
    expect((await post('responder', id, {})).statusCode).toBe(400);
    expect((await post('responder', id, { sentiment: 'furious' })).statusCode).toBe(400);
    expect((await post('responder', id, { category: 'weather' })).statusCode).toBe(400);
    expect((await post('responder', id, { complaint: 'yes' })).statusCode).toBe(400);
    expect((await post('responder', id, { sentiment: 'positive', extra: 1 })).statusCode).toBe(400);
    expect((await post('responder', 'm_doesnotexist', { complaint: false })).statusCode).toBe(404);
    expect((await post('approver', id, { complaint: false })).statusCode).toBe(200);
  });
});

// A tiny base set, so the retrain runs in well under a second; the real one is the dev data.
const GENERIC: Array<[string, TrainingRow['sentiment']]> = [
  ['the crew were lovely and helpful, thank you', 'positive'],
  ['great service and a smooth trip', 'positive'],
  ['love the new seats, well done', 'positive'],
  ['my bag is lost and nobody answers', 'negative'],
  ['delayed three hours with no update, awful', 'negative'],
  ['rude agent at the desk, terrible', 'negative'],
  ['what time does boarding start', 'neutral'],
  ['is the lounge open on sundays', 'neutral'],
  ['flying to oslo tomorrow', 'neutral'],
];
const NONE: BrandConfig = { id: 'none', name: '', keywords: [], handles: [], hashtags: [] };
const ACME: BrandConfig = { id: 'acme', name: 'Acme Air', keywords: [], handles: ['@AcmeAir'], hashtags: [] };

function baseRows(): TrainingRow[] {
  return Array.from({ length: 8 }, (_, k) =>
    GENERIC.map(([text, sentiment], i) => ({
      key: `g${k}-${i}`,
      text: `${text} ${k}`,
      brand: NONE,
      sentiment,
      complaint: sentiment === 'negative',
      weight: 1,
    })),
  ).flat();
}

function correction(i: number, text: string, labels: Correction['labels']): Correction {
  return {
    itemId: `m_fake${i}`,
    brandId: 'acme',
    text,
    lang: 'en',
    labels,
    before: null,
    actor: 'responder',
    at: new Date().toISOString(),
  };
}

describe('retraining with corrections', () => {
  it('reads stored corrections back, merging repeated ones per item, and learns from them with a brand calibration', async () => {
    // In this brand's world "sick" is praise: responders keep correcting it.
    const texts = [
      'this new update is sick',
      'sick gear, sick drop',
      'that launch was sick',
      'honestly sick design',
      'sick colours on the new one',
      'so sick, ordering two',
    ];
    for (const [i, text] of texts.entries()) await saveCorrection(app.ctx.db, correction(i, text, { sentiment: 'negative' }));
    for (const [i, text] of texts.entries())
      await saveCorrection(app.ctx.db, correction(i, text, { sentiment: 'positive', complaint: false }));
    const stored = (await readCorrections(app.ctx.db, ['acme'])).filter((c) => c.itemId.startsWith('m_fake'));
    expect(stored).toHaveLength(texts.length);
    expect(stored[0]?.labels).toEqual({ sentiment: 'positive', complaint: false });

    const probe = readPost('@AcmeAir the new colours are sick', ACME).features;
    const before = retrain({ base: baseRows(), corrections: [], brands: [ACME], options: { innerFolds: 3 } });
    const after = retrain({ base: baseRows(), corrections: stored, brands: [ACME], options: { innerFolds: 3 } });
    expect(before.brands['acme']).toBeUndefined();
    expect(after.brands['acme']?.corrections).toBe(texts.length);
    expect(after.meta['corrections']).toBe(texts.length);
    const pBefore = predict(before, probe, 'acme').probs;
    const pAfter = predict(after, probe, 'acme').probs;
    expect(pAfter[2] - pAfter[0]).toBeGreaterThan(pBefore[2] - pBefore[0] + 0.2);
  });
});
