import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMention, type Mention } from '../src/mention.js';
import { readAudit } from '../src/store/audit.js';
import { authorHistory } from '../src/store/authors.js';
import { readCorrections } from '../src/store/corrections.js';
import { getItem } from '../src/store/inbox.js';
import { queuePage } from '../src/store/inbox-queue.js';
import { loadMentions } from '../src/store/mentions.js';
import { searchMentions } from '../src/store/search.js';
import { readSourceState } from '../src/store/sources.js';
import type { TriageResult } from '../src/triage-types.js';
import { baseConfig, testApp, type TestApp } from './helpers/app.js';
import { LegacyStore } from './helpers/legacy-redis.js';
import { nth, present } from './helpers/present.js';

/** More than one SCAN reply's worth of keys (COUNT 500), so the cursor loop and batching are exercised. */
const POSTS = 1_200;
const OPEN = ['new', 'assigned', 'awaiting_second', 'approved', 'publishing', 'needs_check', 'failed'];

function post(n: number, text: string, author: string): Mention {
  const built = toMention({
    platform: 'mastodon',
    sourceId: 'masto',
    brandId: 'acme',
    nativeId: String(100_000 + n),
    url: `https://social.example/@${author}/${n}`,
    text,
    lang: 'en',
    createdAt: new Date(Date.UTC(2026, 5, 1) + n * 60_000).toISOString(),
    author: {
      id: `id-${author}`,
      handle: `${author}@social.example`,
      name: `${author} name`,
      followers: n % 7 === 0 ? null : 100 + n,
      url: `https://social.example/@${author}`,
    },
    inReplyToId: null,
    engagement: { replies: n % 3, reposts: 0, likes: n % 5 },
    rating: null,
    replyRef: { statusId: String(100_000 + n) },
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

function triage(n: number, urgency: number): TriageResult {
  return {
    sentiment: urgency > 50 ? 'negative' : 'neutral',
    score: urgency > 50 ? -0.7 : 0,
    sentimentConfidence: 0.8,
    sentimentScored: true,
    complaint: urgency > 50,
    complaintProbability: 0.5,
    category: urgency > 50 ? 'lost_damaged_item' : 'other',
    question: n % 2 === 0,
    language: n % 10 === 0 ? 'de' : 'en',
    urgency,
    reasons: [`r${n}`],
  };
}

/** Runs the real CLI, as an operator would; resolves with its exit code and output. */
function runCommand(file: string, app: TestApp): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'migrate-from-redis', '--config', file], {
      env: { ...process.env, REDIS_URL: app.redisUrl, DATABASE_URL: app.databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

async function tableCounts(app: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['mentions', 'authors', 'inbox_items', 'draft_versions', 'replies', 'audit_log', 'corrections', 'sources']) {
    out[t] = nth((await app.ctx.db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${t}`)).rows, 0).n;
  }
  return out;
}

describe('earshot migrate-from-redis', () => {
  let app: TestApp;
  let file: string;
  const posts: Mention[] = [];
  const lawyer = { id: '', text: 'Acme Air lost my bag, my lawyer will call you tomorrow' };

  beforeAll(async () => {
    app = await testApp();
    const old = new LegacyStore(app.ctx.redis, app.config.redis.prefix);
    for (let n = 0; n < POSTS; n += 1) {
      const text = n === 7 ? lawyer.text : `post number ${n} about acme air ${n % 2 ? 'flights' : 'bags'}`;
      const m = post(n, text, `user${n % 40}`);
      posts.push(m);
      // The oldest installs wrote the post and its triage as objects; both forms must read.
      await old.ingest(m, { objectForm: n % 50 === 1 });
      if (n % 4 !== 3) await old.triage(m.id, triage(n, n === 7 ? 100 : n % 9 === 0 ? 70 : 20), 'routed', { objectForm: n % 50 === 1 });
    }
    lawyer.id = nth(posts, 7).id;
    // Items for every 9th post and the lawyer threat, as route.ts created them.
    const routed = posts.filter((_, n) => n % 9 === 0 || n === 7);
    for (const m of routed) {
      const urgent = m.id === lawyer.id || Number(m.nativeId) % 2 === 0;
      await old.createItem({
        id: m.id,
        brandId: 'acme',
        sourceId: 'masto',
        platform: 'mastodon',
        priority: urgent ? 'urgent' : 'normal',
        urgency: m.id === lawyer.id ? 100 : 70,
        category: 'lost_damaged_item',
        sentiment: 'negative',
        createdAt: Date.parse(m.createdAt),
        slaDueAt: m.id === lawyer.id ? Date.UTC(2026, 0, 1) : Date.parse(m.createdAt) + 3_600_000,
        draft: `Hi ${m.author.handle}, sorry.`,
        draftTemplate: 'default',
        draftWarnings: m.id === lawyer.id ? ['legal'] : [],
      });
      await old.complaint('mastodon', m.author.id);
    }
    // Three replied (posted), one rejected, one assigned: each with its audit entry (routed[1] is the lawyer threat, left open).
    for (const m of routed.slice(2, 5)) {
      await old.transition(
        m.id,
        {
          status: 'posted',
          approvedBy: 'ann',
          approvedAt: Date.now(),
          approvals: 1,
          replyId: `r-${m.nativeId}`,
          replyUrl: `https://social.example/r/${m.nativeId}`,
          postedAt: Date.now(),
        },
        'ann',
        'item.approved',
      );
      await old.replySent('mastodon', m.author.id, m.id, Date.now());
    }
    await old.transition(nth(routed, 5).id, { status: 'rejected', rejectReason: 'spam' }, 'bob', 'item.rejected', { reason: 'spam' });
    await old.transition(nth(routed, 6).id, { status: 'assigned', assignee: 'cy' }, 'cy', 'item.assigned');
    await old.audit('ann', 'user.signin');
    // An item whose post expired already: it cannot be copied (its mention is gone).
    await old.createItem({
      id: 'gone-item',
      brandId: 'acme',
      sourceId: 'masto',
      platform: 'mastodon',
      priority: 'normal',
      urgency: 10,
      category: 'other',
      sentiment: 'neutral',
      createdAt: 1,
      slaDueAt: 2,
      draft: 'x',
      draftTemplate: 'default',
      draftWarnings: [],
    });
    // Corrections: a version-2 record and an older one without a version, in two brands.
    await old.correction({
      itemId: nth(routed, 0).id,
      brandId: 'acme',
      text: nth(routed, 0).text,
      lang: 'en',
      labels: { complaint: false },
      before: { sentiment: 'negative', complaint: true, category: 'lost_damaged_item' },
      actor: 'ann',
      at: new Date().toISOString(),
    });
    await old.correction(
      {
        itemId: nth(routed, 1).id,
        brandId: 'acme',
        text: nth(routed, 1).text,
        lang: 'en',
        labels: { sentiment: 'positive' },
        before: null,
        actor: 'ann',
        at: new Date().toISOString(),
      },
      2,
    );
    await old.correction(
      {
        itemId: 'other-item',
        brandId: 'beta',
        text: 'hello',
        lang: null,
        labels: { category: 'praise' },
        before: null,
        actor: 'bob',
        at: new Date().toISOString(),
      },
      2,
    );
    // Source cursors and heartbeat (the old keys), and a session, which stays in Redis.
    await old.source('masto', 'cursor-123', null, {
      lastSuccessAt: 1_700_000_000_000,
      errorStreak: 2,
      lastError: 'mastodon: HTTP 503',
      healthy: 1,
      quietAlertedFor: 5,
    });
    await old.source('live', null, 'stream-9', { streamConnected: 1, streamAt: 1_700_000_000_500 });
    await app.ctx.redis.hset(`${app.config.redis.prefix}:session:abc`, 'user', 'ann', 'csrf', 'x', 'createdAt', Date.now());
    file = path.join(mkdtempSync(path.join(os.tmpdir(), 'earshot-migrate-')), 'earshot.json');
    writeFileSync(file, JSON.stringify(baseConfig(app.config.redis.prefix)));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it('copies every record once, and a second run adds nothing', async () => {
    const first = await runCommand(file, app);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toMatch(/mentions\s+read 1200, added 1200, skipped 0/);
    expect(first.out).toMatch(/items\s+read 136, added 135, skipped 1/);
    const counts = await tableCounts(app);
    // Six audit entries copied, and the start-up seeding of users and brands from the config file.
    expect(counts).toEqual({
      mentions: POSTS,
      authors: 40,
      inbox_items: 135,
      draft_versions: 135,
      replies: 3,
      audit_log: 7,
      corrections: 3,
      sources: 2,
    });

    const second = await runCommand(file, app);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/mentions\s+read 1200, added 0/);
    expect(second.out).toMatch(/audit\s+read 6, added 0/);
    expect(await tableCounts(app)).toEqual(counts);
    expect(await app.ctx.redis.hget(`${app.config.redis.prefix}:session:abc`, 'user')).toBe('ann');
  }, 120_000);

  it('keeps each post, its triage and stage exactly as the old store had them', async () => {
    const loaded = await loadMentions(
      app.ctx.db,
      posts.map((p) => p.id),
    );
    expect(loaded.size).toBe(POSTS);
    for (const [n, m] of posts.entries()) {
      const s = present(loaded.get(m.id));
      expect(s.mention).toEqual(m);
      expect(s.stage).toBe(n % 4 === 3 ? 'new' : 'routed');
      if (n % 4 !== 3) expect(s.triage).toEqual(triage(n, n === 7 ? 100 : n % 9 === 0 ? 70 : 20));
    }
    const { rows } = await app.ctx.db.query<{ n: number }>('SELECT count(DISTINCT (platform, native_id))::bigint AS n FROM mentions');
    expect(nth(rows, 0).n).toBe(POSTS);
  });

  it('finds the copied items in the queue and the posts in search', async () => {
    const page = await queuePage(app.ctx.db, { statuses: OPEN, limit: 5 });
    // 135 copied, 3 posted and 1 rejected are closed.
    expect(page.total).toBe(131);
    expect(nth(page.rows, 0).item.id).toBe(lawyer.id);
    expect(nth(page.rows, 0).item.draftWarnings).toEqual(['legal']);
    expect(page.rows.every((r) => r.item.priority === 'urgent')).toBe(true);
    const german = await queuePage(app.ctx.db, { statuses: OPEN, language: 'de', limit: 100 });
    expect(german.total).toBeGreaterThan(0);
    expect(german.rows.every((r) => r.stored?.triage?.language === 'de')).toBe(true);
    const found = await searchMentions(app.ctx.db, { q: 'lawyer', limit: 10 });
    expect(found.hits.map((h) => h.stored.mention.id)).toEqual([lawyer.id]);
    // Posts never routed (analytics only) are searchable too.
    expect((await searchMentions(app.ctx.db, { q: 'number 1199', limit: 10 })).total).toBe(1);
    const assigned = await getItem(app.ctx.db, nth(posts, 45).id);
    expect(assigned).toMatchObject({ status: 'assigned', assignee: 'cy' });
  });

  it("keeps each source's cursors and heartbeat, so polling resumes where it was", async () => {
    expect(await readSourceState(app.ctx.db, 'masto')).toMatchObject({
      cursor: 'cursor-123',
      lastSuccessAt: 1_700_000_000_000,
      errorStreak: 2,
      lastError: 'mastodon: HTTP 503',
      healthy: true,
    });
    const { rows } = await app.ctx.db.query<{ stream_cursor: string | null; quiet_alerted_for: number | null }>(
      'SELECT stream_cursor, quiet_alerted_for FROM sources ORDER BY source_id',
    );
    expect(rows).toEqual([
      { stream_cursor: 'stream-9', quiet_alerted_for: null },
      { stream_cursor: null, quiet_alerted_for: 5 },
    ]);
    expect((await readSourceState(app.ctx.db, 'live')).streamConnected).toBe(false);
  });

  it('keeps people with their counters, replies and the audit and correction history', async () => {
    const replied = nth(posts, 9);
    const h = await authorHistory(app.ctx.db, { platform: 'mastodon', authorId: replied.author.id });
    expect(h.profile).toMatchObject({ handle: replied.author.handle, mentions: POSTS / 40, replies: 1 });
    expect(present(h.profile).complaints).toBeGreaterThan(0);
    expect(h.history.filter((e) => e.kind === 'reply').map((e) => e.id)).toEqual([replied.id]);
    const audit = (await readAudit(app.ctx.db, { limit: 10 })).filter((e) => e.action !== 'directory.seeded');
    // Newest first, in the order the stream had them.
    expect(audit.map((e) => e.action)).toEqual([
      'user.signin',
      'item.assigned',
      'item.rejected',
      'item.approved',
      'item.approved',
      'item.approved',
    ]);
    expect(audit[2]).toMatchObject({ actor: 'bob', detail: { reason: 'spam' } });
    const corrections = await readCorrections(app.ctx.db);
    expect(corrections.map((c) => [c.brandId, c.complaintSuspect])).toEqual([
      ['acme', true],
      ['acme', false],
      ['beta', false],
    ]);
  });
});
