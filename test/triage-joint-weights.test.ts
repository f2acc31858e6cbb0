import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvObjects } from '../src/text/csv.js';
import { FEATURE_DIM } from '../src/triage/feature-space.js';
import { activeModel, predict, predictCategory, type TriageModel } from '../src/triage/model.js';
import { interleaved, packTable, unpackTable } from '../src/triage/weights.js';
import { readPost } from '../src/triage/signals.js';
import { AIRLINE_BRAND, DEFAULT_DATA_DIR } from '../src/triage/train/dataset.js';

// A loaded model keeps its two weight tables interleaved in one array (weights.ts interleave), and
// the category sums predict() keeps are reused by predictCategory() on the same features. The same
// weights stored apart (as training builds them) take the plain route: both must give the same
// numbers to the last bit, and the interleaved tables must be stored exactly as the separate ones.
function texts(file: string, every: number): string[] {
  const rows = readCsvObjects(readFileSync(path.join(DEFAULT_DATA_DIR, file), 'utf8'));
  return rows.filter((_, i) => i % every === 0).map((r) => r.text ?? '');
}

/** The same model with each table in its own array, as stored and as training fits them. */
function separate(model: TriageModel): TriageModel {
  return { ...model, main: unpackTable(packTable(model.main), FEATURE_DIM), category: unpackTable(packTable(model.category), FEATURE_DIM) };
}

describe('interleaved weight tables', () => {
  it('are stored as the separate tables they were built from', () => {
    const model = activeModel();
    const apart = separate(model);
    expect(packTable(model.main)).toEqual(packTable(apart.main));
    expect(packTable(model.category)).toEqual(packTable(apart.category));
    expect(apart.main.q.length).toBe(FEATURE_DIM * 5);
  });

  it('score every post exactly as the two tables read apart do', () => {
    const model = activeModel();
    const apart = separate(model);
    expect(interleaved(model.main, model.category)).toBe(true);
    expect(interleaved(apart.main, apart.category)).toBe(false);
    const posts = [...texts('airline-tweets-dev.csv', 25), ...texts('multilingual-sentiment-dev.csv', 40)];
    expect(posts.length).toBeGreaterThan(700);
    for (const text of posts) {
      const x = readPost(text, AIRLINE_BRAND, null, false, model).features;
      const joint = predict(model, x, AIRLINE_BRAND.id);
      const jointCategory = [...predictCategory(model, x)];
      const plain = predict(apart, x, AIRLINE_BRAND.id);
      expect(joint, text).toEqual(plain);
      expect(jointCategory, text).toEqual([...predictCategory(apart, x)]);
    }
  });

  it('does not hand one post the category sums of another', () => {
    const model = activeModel();
    const apart = separate(model);
    const a = readPost('my bag was lost and nobody answers the phone', AIRLINE_BRAND, null, false, model).features;
    const b = readPost('the app will not let me log in, password reset fails', AIRLINE_BRAND, null, false, model).features;
    predict(model, a, null);
    expect([...predictCategory(model, b)]).toEqual([...predictCategory(apart, b)]);
  });
});
