import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrandConfig } from '../src/config/schema.js';
import type { Mention } from '../src/mention.js';
import type { Db } from '../src/postgres/pool.js';
import { queuePage } from '../src/store/inbox-queue.js';
import { ingestMentions, loadMentions } from '../src/store/mentions.js';
import { decodeTriage, encodeTriage, encodeTriageJson } from '../src/store/triage-codec.js';
import { decodeTriageRow, encodeTriageRow, type TriageColumns } from '../src/store/triage-row.js';
import { readCsvObjects } from '../src/text/csv.js';
import { triage as score } from '../src/triage/index.js';
import { DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';
import { asMention } from '../src/triage/train/eval/speed.js';
import type { TriageResult } from '../src/triage-types.js';
import { testDb } from './helpers/db.js';
import { present } from './helpers/present.js';

/**
 * mentions.triage leaves out what the row's own columns hold (triage-row.ts, version 4): read
 * with the columns it must give back exactly what version 2 gave back, for every result triage
 * writes, and rows of the older forms must read as before.
 */
const brand: BrandConfig = { id: 'acme', name: 'Acme Air', keywords: ['Acme'], handles: ['@acmeair'], hashtags: [] };

function devTexts(file: string, every: number): string[] {
  const rows = readCsvObjects(readFileSync(path.join(DEFAULT_DATA_DIR, file), 'utf8'));
  return rows.filter((_, i) => i % every === 0).map((row) => String(row['text']));
}

/** The dev data scored by the real triage, with reach, engagement, ratings and history varied so every kind of reason shows up. */
function scored(): Array<{ mention: Mention; triage: TriageResult }> {
  const texts = [
    ...devTexts('airline-tweets-dev.csv', 12),
    ...devTexts('multilingual-sentiment-dev.csv', 12),
    ...devTexts('twcs-sample-dev.csv', 12),
    ...devTexts('alexa-reviews-dev.csv', 12),
  ];
  return texts.map((text, i) => {
    const m = { ...asMention(text, i, brand.id), rating: i % 9 === 0 ? 1 + (i % 5) : null };
    m.author = { ...m.author, followers: i % 4 === 0 ? 150_000 : 20 };
    m.engagement = { replies: i % 7, reposts: i % 5 === 0 ? 30 : 1, likes: i % 3 === 0 ? 200 : 0 };
    const history = { priorMentions: i % 6, recentMentions: i % 3, priorComplaints: i % 4, repliesSent: i % 2 };
    return { mention: m, triage: score(m, { brand, author: history }) };
  });
}

/** The columns as PostgreSQL gives them back: the score through a real (float4), the urgency rounded. */
function columnsOf(t: TriageResult): TriageColumns {
  return {
    triage_score: Math.fround(t.score),
    triage_sentiment: t.sentiment,
    triage_category: t.category,
    triage_urgency: Math.round(t.urgency),
    triage_complaint: t.complaint,
  };
}

const results = scored();

describe('triage text of a mention row (version 4)', () => {
  it('reads back every real result exactly as version 2 did, in under three quarters of the bytes of version 3', () => {
    expect(results.length).toBeGreaterThan(1000);
    let v3 = 0;
    let v4 = 0;
    for (const { triage: t } of results) {
      const row = encodeTriageRow(t);
      expect(row.startsWith('\x1c'), JSON.stringify(t)).toBe(true);
      expect(decodeTriageRow(row, columnsOf(t))).toEqual(decodeTriage(encodeTriageJson(t)));
      v3 += Buffer.byteLength(encodeTriage(t));
      v4 += Buffer.byteLength(row);
    }
    expect(v4).toBeLessThan(v3 * 0.75);
  });

  it('keeps version 3 for a result the columns cannot give back, and reads it as before', () => {
    const t = present(results.find((r) => r.triage.reasons.length > 1)?.triage, 'a result with reasons');
    const odd: TriageResult[] = [
      { ...t, score: 0.1234567 },
      { ...t, urgency: 40.5 },
      { ...t, category: '3' as TriageResult['category'] },
      { ...t, reasons: ['line\nbreak'] },
    ];
    for (const o of odd) {
      const row = encodeTriageRow(o);
      expect(row.startsWith('\x1c')).toBe(false);
      expect(decodeTriageRow(row, columnsOf(o))).toEqual(decodeTriage(encodeTriage(o)));
    }
    // Probabilities that are not whole thousandths, a missing irony, -0: written literally, read as version 3 reads them.
    const exact = { ...t, sentimentConfidence: 0.12345, complaintProbability: 1, irony: undefined, score: -0 };
    const row = encodeTriageRow(exact);
    expect(row.startsWith('\x1c')).toBe(true);
    expect(decodeTriageRow(row, columnsOf(exact))).toEqual(decodeTriage(encodeTriage(exact)));
  });

  it('keeps the language where SQL reads it', () => {
    const t = present(results.find((r) => r.triage.language === 'de')?.triage, 'a German result');
    expect(encodeTriageRow(t).slice(1).split('\x1e')[4]).toBe('de');
  });

  it('refuses a version 4 text read without its columns rather than inventing them', () => {
    const t = present(results[0], 'a result').triage;
    expect(() => decodeTriageRow(encodeTriageRow(t), { ...columnsOf(t), triage_score: null })).toThrow(/version 4/);
  });
});

/** The array form before version 2: labels and reasons as plain text. */
function version1(t: TriageResult): string {
  const flag = (b: boolean | undefined) => (b ? 1 : 0);
  return JSON.stringify([
    t.sentiment,
    t.score,
    t.sentimentConfidence,
    flag(t.sentimentScored),
    flag(t.complaint),
    t.complaintProbability,
    t.category,
    flag(t.question),
    t.language,
    t.urgency,
    t.reasons,
    t.irony,
  ]);
}

let db: Db;

beforeAll(async () => {
  db = await testDb('triage-row');
});

afterAll(async () => {
  await db?.end();
});

describe('mention rows in PostgreSQL', () => {
  it('store the short form and read back the same triage as version 2, through the mention and the queue', async () => {
    const some = results.filter((_, i) => i % 4 === 0);
    const mentions = some.map((r) => r.mention);
    await ingestMentions(db, mentions, new Map(some.map((r) => [r.mention.id, r.triage])));
    const back = await loadMentions(
      db,
      mentions.map((m) => m.id),
    );
    for (const r of some) expect(back.get(r.mention.id)?.triage).toEqual(decodeTriage(encodeTriageJson(r.triage)));
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM mentions WHERE left(triage, 1) = E'\\x1c'`);
    expect(rows[0]?.n).toBe(some.length);

    const items = some.slice(0, 40);
    await db.query(
      `INSERT INTO inbox_items (id, brand_id, source_id, platform, rank, status, urgency, category, sentiment, language, created_at, routed_at, updated_at, sla_due_at, draft, draft_template)
       SELECT m.id, m.brand_id, m.source_id, m.platform, 1, 'new', m.urgency, m.category, m.sentiment, 'en', m.created_at, 1, 1, 2, 'Hi', 'default'
       FROM mentions m WHERE m.id = ANY($1::text[])`,
      [items.map((r) => r.mention.id)],
    );
    const page = await queuePage(db, { statuses: ['new'], limit: 100 });
    expect(page.rows.length).toBe(items.length);
    for (const row of page.rows) {
      const want = present(
        items.find((r) => r.mention.id === row.item.id),
        'the item',
      );
      expect(row.stored?.triage).toEqual(decodeTriage(encodeTriageJson(want.triage)));
    }
  });

  it('read rows written in every older form the same as before', async () => {
    const [a, b, c, d] = results.filter((r) => r.triage.reasons.length > 1).slice(0, 4);
    const old = [
      { r: present(a, 'a'), text: JSON.stringify(present(a, 'a').triage) },
      { r: present(b, 'b'), text: encodeTriageJson(present(b, 'b').triage) },
      { r: present(c, 'c'), text: encodeTriage(present(c, 'c').triage) },
      { r: present(d, 'd'), text: version1(present(d, 'd').triage) },
    ];
    for (const [i, { r, text }] of old.entries()) {
      const m = { ...r.mention, id: `m_old${String(i).padStart(19, '0')}`, nativeId: `old-${i}` };
      await ingestMentions(db, [m]);
      // Rows of an older form may lack the columns (written before migration 26 filled them).
      await db.query('UPDATE mentions SET triage = $2 WHERE id = $1', [m.id, text]);
      const back = present((await loadMentions(db, [m.id])).get(m.id), 'the old row');
      expect(back.triage).toEqual(decodeTriage(text));
    }
  });
});
