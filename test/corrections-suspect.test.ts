import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { readCorrections, saveCorrection, type Correction } from '../src/store/corrections.js';
import { correctionRows } from '../src/triage/train/retrain.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { storeInboxItem } from './helpers/chat-seed.js';

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

function correction(itemId: string, labels: Correction['labels']): Correction {
  return {
    itemId,
    brandId: 'acme',
    text: `text of ${itemId}`,
    lang: 'en',
    labels,
    before: null,
    actor: 'responder',
    at: new Date().toISOString(),
  };
}

/** A record as the code before the complaint-box fix wrote it (brought over from Redis): no schema version. */
async function saveOldRecord(c: Correction): Promise<void> {
  await app.ctx.db.query(
    'INSERT INTO corrections (brand_id, item_id, text, lang, labels, before, actor, at, v) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)',
    [c.brandId, c.itemId, c.text, c.lang, JSON.stringify(c.labels), null, c.actor, c.at],
  );
}

async function read(itemId: string): Promise<Correction> {
  const found = (await readCorrections(app.ctx.db)).find((c) => c.itemId === itemId);
  if (!found) throw new Error(`no correction for ${itemId}`);
  return found;
}

describe('the item API tells the correction form whether triage saw a complaint', () => {
  it('GET /api/items/:id and GET /api/inbox include triage.complaint', async () => {
    const item = await storeInboxItem(app.ctx, { nativeId: 'cmp-1', text: 'my bag is gone and nobody answers', urgency: 80 });
    const auth = { authorization: `Bearer ${TOKENS.viewer}` };
    const detail = await server.inject({ method: 'GET', url: `/api/items/${item.id}`, headers: auth });
    expect(detail.json().triage.complaint).toBe(true);
    const list = await server.inject({ method: 'GET', url: '/api/inbox', headers: auth });
    expect(list.json().items.find((e: { item: { id: string } }) => e.item.id === item.id).triage.complaint).toBe(true);
  });
});

describe('corrections saved before the fix are suspect for the complaint field', () => {
  it('an old "complaint: false" is suspect and retraining gets no complaint label from it', async () => {
    await saveOldRecord(correction('m_old1', { sentiment: 'negative', complaint: false }));
    const c = await read('m_old1');
    expect(c.complaintSuspect).toBe(true);
    const [row] = correctionRows([c], app.config.brands);
    expect(row).toMatchObject({ sentiment: 'negative', complaint: null });
  });

  it('an old record with only a suspect complaint label gives no training row at all', async () => {
    await saveOldRecord(correction('m_old2', { complaint: false }));
    expect(correctionRows([await read('m_old2')], app.config.brands)).toEqual([]);
  });

  it('an old "complaint: true" was a deliberate tick and is kept', async () => {
    await saveOldRecord(correction('m_old3', { complaint: true }));
    const c = await read('m_old3');
    expect(c.complaintSuspect).toBe(false);
    expect(correctionRows([c], app.config.brands)[0]?.complaint).toBe(true);
  });

  it('a correction saved now is trusted, also when it says "not a complaint"', async () => {
    await saveCorrection(app.ctx.db, correction('m_new1', { complaint: false }));
    const c = await read('m_new1');
    expect(c.v).toBe(2);
    expect(c.complaintSuspect).toBe(false);
    expect(correctionRows([c], app.config.brands)[0]?.complaint).toBe(false);
  });

  it('the suspicion follows the record that set the complaint label when corrections are merged', async () => {
    await saveOldRecord(correction('m_mix1', { complaint: false }));
    await saveCorrection(app.ctx.db, correction('m_mix1', { sentiment: 'neutral' }));
    expect(await read('m_mix1')).toMatchObject({ labels: { complaint: false, sentiment: 'neutral' }, complaintSuspect: true });

    await saveOldRecord(correction('m_mix2', { complaint: false }));
    await saveCorrection(app.ctx.db, correction('m_mix2', { complaint: false }));
    expect((await read('m_mix2')).complaintSuspect).toBe(false);
  });
});
