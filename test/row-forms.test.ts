import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMention, type Mention } from '../src/mention.js';
import type { Db } from '../src/postgres/pool.js';
import { authorHistory } from '../src/store/authors.js';
import { ingestMentions, loadMentions, saveTriage } from '../src/store/mentions.js';
import type { TriageResult } from '../src/triage-types.js';
import { testDb } from './helpers/db.js';
import { present } from './helpers/present.js';

/**
 * What PostgreSQL keeps per post is written in shorter forms than it used to be (rest-codec.ts,
 * triage-codec.ts); rows written in the earlier forms stay in upgraded stores and must read the same.
 */
let db: Db;

beforeAll(async () => {
  db = await testDb('row-forms');
});

afterAll(async () => {
  await db?.end();
});

const TRIAGE: TriageResult = {
  sentiment: 'negative',
  score: -0.82,
  sentimentConfidence: 0.91,
  sentimentScored: true,
  complaint: true,
  complaintProbability: 0.93,
  irony: 0.04,
  category: 'lost_damaged_item',
  question: false,
  language: 'en',
  urgency: 71,
  reasons: [
    'complaint (93% likely)',
    'complaint signs: names a problem; words "lost", "bag"',
    'mentions a lawyer',
    '2nd contact this week',
  ],
};

function status(n: number): Mention {
  const id = `11345678901234${String(n).padStart(4, '0')}`;
  const built = toMention({
    platform: 'mastodon',
    sourceId: 'masto',
    brandId: 'acme',
    nativeId: `https://example.social/users/ann/statuses/${id}`,
    url: `https://example.social/@ann/${id}`,
    text: `@acme my bag is lost (${n})`,
    lang: 'en',
    createdAt: new Date(1_790_000_000_000 + n * 1000).toISOString(),
    author: { id: '109876', handle: 'ann@example.social', name: 'Ann', followers: 1200, url: 'https://example.social/@ann' },
    inReplyToId: null,
    engagement: { replies: 1, reposts: 0, likes: 2 },
    rating: null,
    replyRef: { statusId: id, acct: 'ann@example.social' },
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

describe('stored row forms', () => {
  it('reads back a post and its triage exactly, with the repeats of its ids left out of the stored row', async () => {
    const m = status(1);
    await ingestMentions(db, [m]);
    await saveTriage(db, [{ id: m.id, triage: TRIAGE }]);
    const back = present((await loadMentions(db, [m.id])).get(m.id), 'the stored post');
    expect(back.mention).toEqual(m);
    expect(back.triage).toEqual(TRIAGE);
    const { rows } = await db.query<{ rest: string; triage: string; native_id: string }>(
      'SELECT m.rest, m.triage, m.native_id FROM mentions m WHERE id = $1',
      [m.id],
    );
    const row = present(rows[0], 'the row');
    expect(row.rest).not.toContain(m.replyRef['statusId']);
    expect(row.triage).not.toContain('likely');
    // The status URI's fixed parts are one byte each (native-id-codec.ts).
    expect(row.native_id).not.toContain('/statuses/');
    expect(row.native_id.length).toBe(m.nativeId.length - 'https:///users//statuses/'.length + 3);
    const history = await authorHistory(db, { platform: 'mastodon', authorId: '109876' });
    expect(history.history.map((h) => h.url)).toContain(m.url);
  });

  it('reads rows written in the earlier forms (plain JSON rest, reasons as text)', async () => {
    const m = status(2);
    const a = m.author;
    const rest = JSON.stringify([m.url, [a.handle, a.name, a.followers, a.url], null, [1, 0, 2], null, m.replyRef]);
    const triage = JSON.stringify(['negative', -0.82, 0.91, 1, 1, 0.93, 'lost_damaged_item', 0, 'en', 71, TRIAGE.reasons, 0.04]);
    await db.query(
      `INSERT INTO mentions (id, platform, native_id, source_id, brand_id, author_id, created_at, stored_at, lang, text, rest, triage)
       VALUES ($1, 'mastodon', $2, 'masto', 'acme', $3, $4, $4, 'en', $5, $6, $7)`,
      [m.id, m.nativeId, a.id, Date.parse(m.createdAt), m.text, rest, triage],
    );
    const back = present((await loadMentions(db, [m.id])).get(m.id), 'the old post');
    expect(back.mention).toEqual(m);
    expect(back.triage).toEqual(TRIAGE);
    const history = await authorHistory(db, { platform: 'mastodon', authorId: a.id });
    expect(history.history.find((h) => h.id === m.id)?.url).toBe(m.url);
  });
});
