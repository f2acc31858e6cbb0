import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTwcs } from '../src/triage/train/dataset.js';
import { toTrainingRows } from '../src/triage/train/training-rows.js';

// A TWCS sample in the Kaggle file's own shape: pandas floats in in_response_to_tweet_id, brand handles as author_id.
const CSV = `tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
1,115712,True,Tue Oct 31 22:10:47 +0000 2017,@sprintcare my bill doubled and nobody will explain why,2,
2,sprintcare,False,Tue Oct 31 22:11:45 +0000 2017,@115712 Sorry about that! Please DM us.,3,1.0
3,115712,True,Tue Oct 31 22:12:45 +0000 2017,@sprintcare done,,2.0
4,115713,True,Tue Oct 31 22:13:45 +0000 2017,@ChipotleTweets my bowl was missing the rice,5,
5,ChipotleTweets,False,Tue Oct 31 22:14:45 +0000 2017,@115713 So sorry! DM us your order.,,4.0
6,115714,True,Tue Oct 31 22:15:45 +0000 2017,@115999 still waiting for my refund,,
`;

const dir = mkdtempSync(path.join(tmpdir(), 'earshot-twcs-'));
writeFileSync(path.join(dir, 'twcs-sample-dev.csv'), CSV);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('triage training: TWCS thread openers as weak complaints', () => {
  const rows = new Map(toTrainingRows(loadTwcs(dir)).map((r) => [r.key, r]));

  it('knows who answered a consumer tweet from the brand reply that names it', () => {
    const posts = new Map(loadTwcs(dir).map((p) => [p.key, p]));
    expect(posts.get('twcs:1')).toMatchObject({ inbound: true, opensThread: true, answeredBy: 'sprintcare' });
    expect(posts.get('twcs:3')).toMatchObject({ inbound: true, opensThread: false });
    expect(posts.get('twcs:6')?.answeredBy).toBeUndefined();
  });

  it('labels an answered opener a complaint, and nothing else of the sample', () => {
    expect(rows.get('twcs:1')).toMatchObject({ complaint: true });
    expect(rows.get('twcs:1')?.complaintWeight).toBeGreaterThan(0);
    // A reply inside a thread, a brand's reply and a tweet no brand answered teach no complaint.
    for (const key of ['twcs:2', 'twcs:3', 'twcs:6']) expect(rows.get(key)?.complaint ?? null).toBeNull();
  });

  it("leaves out the openers of the complaint set's industries, so cross-validation holds them unseen", () => {
    expect(rows.get('twcs:4')?.complaint ?? null).toBeNull();
  });
});
