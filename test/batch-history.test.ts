import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeScored } from '../src/listen/poll.js';
import type { Mention } from '../src/mention.js';
import { scoreBatch } from '../src/route/score-batch.js';
import { loadMentions } from '../src/store/mentions.js';
import { testApp, type TestApp } from './helpers/app.js';
import { post as fixturePost } from './spikes/fixtures.js';

let app: TestApp;

beforeAll(async () => {
  app = await testApp();
});

afterAll(async () => {
  await app?.close();
});

const T = Date.now() - 3_600_000;

/** A post by `author` at `at`, as the spike tests build them (fixtures.ts); only the mention is used. */
const post = (n: string, author: string, text: string, at: number): Mention => fixturePost(n, author, text, at).mention;

const COMPLAINT = '@AcmeAir you lost my suitcase three days ago, nobody answers the phone and I want a refund';
const FOLLOW_UP = '@AcmeAir any news on my suitcase?';
const EARLIER = '1 earlier complaint from this author';

describe('a batch that holds a complaint and the same person\u2019s later post', () => {
  it('scores the later post with the earlier complaint in its history, whatever order the batch lists them in', async () => {
    const complaint = post('b1', 'jo', COMPLAINT, T);
    const later = post('b2', 'jo', FOLLOW_UP, T + 60_000);
    const stranger = post('b3', 'someone-else', FOLLOW_UP, T + 120_000);
    const [first, second, third] = await scoreBatch(app.ctx, [later, complaint, stranger], { unstored: true });
    expect(second?.triage?.complaint).toBe(true);
    expect(second?.triage?.reasons).not.toContain(EARLIER);
    expect(first?.triage?.reasons).toContain(EARLIER);
    expect(third?.triage?.reasons).not.toContain(EARLIER);
    expect(first?.triage?.urgency).toBeGreaterThan(third?.triage?.urgency ?? 100);
  });

  it('stores that reading when a poll brings both at once', async () => {
    const complaint = post('p1', 'kim', COMPLAINT, T);
    const later = post('p2', 'kim', FOLLOW_UP, T + 60_000);
    await storeScored(app.ctx, [later, complaint]);
    const stored = await loadMentions(app.ctx.db, [later.id, complaint.id]);
    expect(stored.get(later.id)?.triage?.reasons).toContain(EARLIER);
    expect(stored.get(complaint.id)?.triage?.reasons).not.toContain(EARLIER);
  });
});
