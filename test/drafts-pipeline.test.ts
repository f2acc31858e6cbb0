import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { buildServer } from '../src/api/server.js';
import { approveItem, editDraft } from '../src/inbox/actions.js';
import { toMention, type Mention } from '../src/mention.js';
import { routeBatch } from '../src/route/route.js';
import { readAudit } from '../src/store/audit.js';
import { getItem } from '../src/store/inbox.js';
import { ingestMentions, saveTriage } from '../src/store/mentions.js';
import type { TriageResult } from '../src/triage-types.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { triaged } from './helpers/demo-playbook.js';
import { present } from './helpers/present.js';

const demo = YAML.parse(readFileSync('config/earshot.yaml', 'utf8')) as { playbook: Record<string, unknown> };
let app: TestApp;
let server: FastifyInstance;

beforeAll(async () => {
  app = await testApp({ playbook: demo.playbook, approval: { approverRequiredWhen: { warnings: true } } });
  server = await buildServer(app.ctx);
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

let n = 0;
async function seed(
  text: string,
  triage: TriageResult,
  o: { author?: string; name?: string; at: number; inReplyTo?: string },
): Promise<Mention> {
  n += 1;
  const built = toMention({
    platform: 'mastodon',
    sourceId: 'feed',
    brandId: 'acme',
    nativeId: `p${n}`,
    url: null,
    text,
    lang: 'en',
    createdAt: new Date(o.at).toISOString(),
    author: { id: o.author ?? 'u-kofi', handle: o.author ?? 'kofi', name: o.name ?? 'Kofi', followers: 10, url: null },
    inReplyToId: o.inReplyTo ?? null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: {},
  });
  if (!built.ok) throw new Error(built.reason);
  await ingestMentions(app.ctx.db, [built.mention]);
  await saveTriage(app.ctx.db, [{ id: built.mention.id, triage }]);
  return built.mention;
}

describe('drafts in the pipeline', () => {
  it("routing drafts with the author's history: the reference sent by DM is not asked for again", async () => {
    const t0 = Date.now() - 3 * 86_400_000;
    const first = await seed(
      '@AcmeAir third time asking: where is the refund for my cancelled flight on Nov 2?',
      triaged('delay_cancellation', { question: true }),
      { at: t0 },
    );
    const second = await seed('@AcmeAir I sent the booking reference by DM yesterday. Nobody has answered.', triaged('staff_service'), {
      at: t0 + 86_400_000,
      inReplyTo: 'p1',
    });
    const third = await seed(
      "@AcmeAir day 19. Still waiting. If I don't hear back by Monday I'm filing a chargeback.",
      triaged('billing_refund'),
      { at: t0 + 2 * 86_400_000, inReplyTo: 'p2' },
    );
    await routeBatch(app.ctx, [first.id, second.id, third.id]);
    const firstItem = await getItem(app.ctx.db, first.id);
    expect(firstItem?.draft).toMatch(/DM us your booking reference/);
    const item = await getItem(app.ctx.db, third.id);
    expect(item?.draftTemplate).toBe('composer');
    expect(item?.draft).toMatch(/third time you've asked/);
    expect(item?.draft).toMatch(/no need to send it again/);
    expect(item?.draft).not.toMatch(/DM us your booking reference/);
  });

  it('correcting the triage drafts again (audited), unless a person edited the draft', async () => {
    const at = Date.now() - 60_000;
    const m = await seed('the crew found my stroller and fixed the wheel', triaged('lost_damaged_item'), {
      author: 'u-raj',
      name: 'Raj',
      at,
    });
    await routeBatch(app.ctx, [m.id]);
    const before = await getItem(app.ctx.db, m.id);
    // Triage read a complaint; the responder says it is praise.
    const res = await server.inject({
      method: 'POST',
      url: `/api/items/${m.id}/triage`,
      headers: { authorization: `Bearer ${TOKENS.responder}` },
      payload: { category: 'praise', sentiment: 'positive' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().redraft).toEqual({ redrafted: true });
    const after = await getItem(app.ctx.db, m.id);
    expect(after?.draftVersion).toBe((before?.draftVersion ?? 0) + 1);
    expect(after?.draft).not.toBe(before?.draft);
    expect(after?.draft).toMatch(/thank you so much/);
    const audit = await readAudit(app.ctx.db, { itemId: m.id });
    expect(audit.some((e) => e.action === 'draft.redrafted' && (e.detail as { reason?: string }).reason === 'triage corrected')).toBe(true);

    const edited = await editDraft(
      app.ctx,
      { name: 'responder', role: 'responder' },
      m.id,
      'Hi Raj, so sorry about the stroller.',
      present(after).draftVersion,
    );
    const again = await server.inject({
      method: 'POST',
      url: `/api/items/${m.id}/triage`,
      headers: { authorization: `Bearer ${TOKENS.responder}` },
      payload: { category: 'lost_damaged_item', sentiment: 'negative' },
    });
    expect(again.json().redraft).toEqual({ redrafted: false, why: 'the draft was edited by hand; it is kept' });
    expect((await getItem(app.ctx.db, m.id))?.draft).toBe(edited.draft);
  });

  it("a hand edit is checked with the post's context (its language), and the approval records the draft's source", async () => {
    const m = await seed('Mi maleta no ha llegado todavía y nadie responde', triaged('lost_damaged_item', { language: 'es' }), {
      author: 'u-elena',
      name: 'Elena',
      at: Date.now() - 1000,
    });
    await routeBatch(app.ctx, [m.id]);
    const item = await getItem(app.ctx.db, m.id);
    expect(item?.draft).toMatch(/^Hola Elena/);
    const edited = await editDraft(
      app.ctx,
      { name: 'responder', role: 'responder' },
      m.id,
      "Hi Elena, we're sorry your suitcase hasn't arrived; please DM us your file reference.",
      present(item).draftVersion,
    );
    expect(edited.draftWarnings).toContain('written in English; the post is in Spanish');
    await expect(
      approveItem(app.ctx, { name: 'responder', role: 'responder' }, m.id, {
        draftVersion: edited.draftVersion,
        acknowledgeWarnings: true,
      }),
    ).rejects.toThrow(/needs an approver/);
    await approveItem(app.ctx, { name: 'approver', role: 'approver' }, m.id, {
      draftVersion: edited.draftVersion,
      acknowledgeWarnings: true,
    });
    const audit = await readAudit(app.ctx.db, { itemId: m.id });
    const approved = audit.find((e) => e.action === 'item.approved');
    expect(approved?.detail).toMatchObject({ draftSource: 'composer', draftEdited: true });
  });
});
