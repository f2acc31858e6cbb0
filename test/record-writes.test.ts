import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editDraft } from '../src/inbox/actions.js';
import { toMention, type Mention } from '../src/mention.js';
import { triageBatch } from '../src/route/triage-batch.js';
import { draftVersions, getItem } from '../src/store/inbox.js';
import { authorContexts } from '../src/store/authors.js';
import { draftHistories } from '../src/store/drafts.js';
import { batchHistories } from '../src/store/histories.js';
import { storeScored } from '../src/listen/poll.js';
import { ingestMentions, loadMentions } from '../src/store/mentions.js';
import { testApp, type TestApp } from './helpers/app.js';
import { nth, present } from './helpers/present.js';

/**
 * How many times the pipeline writes each record. A second version of a row costs its bytes
 * again, and on a row with indexes a new entry in each of them: PostgreSQL's bytes per stored
 * mention (BENCHMARKS.md) doubled where a write was repeated.
 */
let app: TestApp;
const actor = { name: 'responder', role: 'responder' as const };

function post(n: number, text: string): Mention {
  const built = toMention({
    platform: 'mastodon',
    sourceId: 'src',
    brandId: 'acme',
    nativeId: `w${n}`,
    url: null,
    text,
    lang: 'en',
    createdAt: new Date(Date.now() - 60_000 + n).toISOString(),
    author: { id: `a${n}`, handle: `a${n}`, name: `A ${n}`, followers: 5, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: { statusId: `w${n}` },
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

async function updates(table: string): Promise<string[]> {
  const { rows } = await app.ctx.db.query<{ id: string }>('SELECT id FROM row_updates WHERE tbl = $1 ORDER BY id', [table]);
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  app = await testApp({ spikes: { enabled: true } });
  // Every row update of the two tables the pipeline writes per mention, recorded as it happens.
  await app.ctx.db.query(`
    CREATE TABLE row_updates (tbl text NOT NULL, id text NOT NULL);
    CREATE FUNCTION note_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO row_updates VALUES (TG_TABLE_NAME, NEW.id); RETURN NEW; END $$;
    CREATE TRIGGER note_mentions AFTER UPDATE ON mentions FOR EACH ROW EXECUTE FUNCTION note_update();
    CREATE TRIGGER note_items AFTER UPDATE ON inbox_items FOR EACH ROW EXECUTE FUNCTION note_update();`);
});

afterAll(async () => {
  await app?.close();
});

describe('records written once', () => {
  const same = '@AcmeAir my flight to Denver was cancelled and nobody at the gate can tell me when the next one leaves';
  const mentions = [
    post(1, same),
    post(2, `${same}!`),
    post(3, '@AcmeAir the app logs me out every time I try to check in, this is broken and I am angry about it'),
    post(4, '@AcmeAir lovely crew on the morning flight today, thank you'),
  ];
  const ids = mentions.map((m) => m.id);

  it('stores each mention with its triage and each item in one row version, an item joining a group included', async () => {
    // The ingest triages before the insert (listen/poll.ts), so routing never updates the mention row.
    const { created } = await storeScored(app.ctx, mentions);
    expect(created).toEqual(ids);
    expect([...(await loadMentions(app.ctx.db, ids)).values()].map((s) => [s.stage, s.triage === null])).toEqual(
      ids.map(() => ['triaged', false]),
    );
    await triageBatch(app.ctx, ids);
    const stored = await loadMentions(app.ctx.db, ids);
    expect(ids.map((id) => stored.get(id)?.stage)).toEqual(['routed', 'routed', 'routed', 'routed']);
    // The two near-duplicates form a group under the lower id, decided as the items are written (store/inbox.ts CREATE).
    const [lead, member] = [nth(ids, 0), nth(ids, 1)].sort();
    expect((await getItem(app.ctx.db, present(member)))?.dupOf).toBe(lead);
    expect((await getItem(app.ctx.db, present(lead)))?.dupOf).toBeNull();
    expect(await updates('mentions')).toEqual([]);
    expect(await updates('inbox_items')).toEqual([]);
  });

  it('counts a batch for spikes once when the job runs again', async () => {
    await triageBatch(app.ctx, ids);
    const { rows } = await app.ctx.db.query<{ n: number }>(
      `SELECT sum(n)::int AS n FROM spike_counts WHERE brand_id = 'acme' AND dim = 'brand'`,
    );
    expect(rows[0]?.n).toBe(4);
  });

  it("keeps Earshot's first draft on the item until an edit, then in the history", async () => {
    const id = nth(ids, 2);
    const first = await getItem(app.ctx.db, id);
    const kept = await app.ctx.db.query('SELECT 1 FROM draft_versions WHERE item_id = $1', [id]);
    expect(kept.rowCount).toBe(0);
    expect(await draftVersions(app.ctx.db, id)).toEqual([
      { version: 1, text: present(first).draft, warnings: present(first).draftWarnings, actor: 'earshot', at: present(first).routedAt },
    ]);
    await editDraft(app.ctx, actor, id, 'Sorry about the app, we are fixing the log-in now.', 1);
    const history = await draftVersions(app.ctx.db, id);
    expect(history.map((v) => [v.version, v.text, v.actor])).toEqual([
      [1, present(first).draft, 'earshot'],
      [2, 'Sorry about the app, we are fixing the log-in now.', 'responder'],
    ]);
    expect(nth(history, 0).at).toBe(present(first).routedAt);
  });
});

describe("the triage job's one history query", () => {
  it('answers what the triage context and the draft history each read, for every post of a batch', async () => {
    const DAY = 86_400_000;
    const now = Date.now();
    // One author: posts 40, 20 and 3 days ago and today; another with a single post.
    const at = [40, 20, 3, 0].map((d) => now - d * DAY);
    const posts = at.map((t, i) => {
      const built = toMention({
        platform: 'mastodon',
        sourceId: 'src',
        brandId: 'acme',
        nativeId: `h${i}`,
        url: null,
        text: `@AcmeAir still no refund, message ${i}`,
        lang: 'en',
        createdAt: new Date(t).toISOString(),
        author: { id: 'regular', handle: 'regular', name: 'Regular', followers: 5, url: null },
        inReplyToId: null,
        engagement: { replies: 0, reposts: 0, likes: 0 },
        rating: null,
        replyRef: { statusId: `h${i}` },
      });
      if (!built.ok) throw new Error(built.reason);
      return built.mention;
    });
    // Before the insert (the ingest scores first): the batch's own earlier posts count as if stored.
    const batch = [...posts, post(9, '@AcmeAir first time writing in')];
    const ahead = await batchHistories(
      app.ctx.db,
      batch.map((m) => ({ platform: m.platform, authorId: m.author.id, before: Date.parse(m.createdAt) })),
      batch.map((m) => m.text),
    );
    await ingestMentions(app.ctx.db, batch);
    const after = await batchHistories(
      app.ctx.db,
      batch.map((m) => ({ platform: m.platform, authorId: m.author.id, before: Date.parse(m.createdAt) })),
    );
    expect(ahead).toEqual(after);
    expect(after[3]?.draft.recentTexts).toHaveLength(2);
    const refs = [
      ...posts.map((m) => ({ platform: 'mastodon', authorId: 'regular', before: Date.parse(m.createdAt) })),
      { platform: 'mastodon', authorId: 'a9', before: now },
    ];
    const both = await batchHistories(app.ctx.db, refs);
    expect(both.map((h) => h.triage)).toEqual(await authorContexts(app.ctx.db, refs));
    expect(both.map((h) => h.draft)).toEqual(await draftHistories(app.ctx.db, refs));
    expect(both[3]?.draft).toMatchObject({ priorMentions: 3, recentMentions: 2 });
    expect(both[3]?.triage).toMatchObject({ priorMentions: 3, recentMentions: 1 });
  });
});
