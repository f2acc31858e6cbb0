import type { LabelledPost } from './dataset.js';
import { DEFAULT_DATA_DIR, loadAirline, loadAlexa, loadSentences, read } from './dataset.js';
import type { Sentiment } from '../../triage-types.js';

/**
 * Readers for the tweet sets added for issue 11 (see ../shared/data/README.md): complaints in
 * four industries plus ordinary tweets, general tweets with sentiment, irony, and tweets in
 * seven other languages. All text is kept as written; masking happens where it is read.
 */
const SENTIMENTS = new Set(['negative', 'neutral', 'positive']);

export function loadComplaints(dir = DEFAULT_DATA_DIR): LabelledPost[] {
  return read(dir, 'complaints-dev.csv').map((r) => ({
    key: `complaints:${r['tweet_id']}`,
    source: 'complaints' as const,
    text: r['text'] ?? '',
    sentiment: null,
    complaint: r['complaint'] === '1',
    domain: r['domain'] ?? '',
    language: 'en',
  }));
}

export function loadTweeteval(dir = DEFAULT_DATA_DIR): LabelledPost[] {
  return read(dir, 'tweeteval-sentiment-dev.csv')
    .filter((r) => SENTIMENTS.has(r['label'] ?? ''))
    .map((r, i) => ({
      key: `tweeteval:${i}`,
      source: 'tweeteval' as const,
      text: r['text'] ?? '',
      sentiment: r['label'] as Sentiment,
      language: 'en',
    }));
}

export function loadIrony(dir = DEFAULT_DATA_DIR): LabelledPost[] {
  return read(dir, 'irony-dev.csv').map((r, i) => ({
    key: `irony:${i}`,
    source: 'irony' as const,
    text: r['text'] ?? '',
    sentiment: null,
    irony: r['label'] === 'irony',
    language: 'en',
  }));
}

export function loadMultilingual(dir = DEFAULT_DATA_DIR): LabelledPost[] {
  return read(dir, 'multilingual-sentiment-dev.csv')
    .filter((r) => SENTIMENTS.has(r['label'] ?? ''))
    .map((r, i) => ({
      key: `multi:${r['language']}:${i}`,
      source: 'multi' as const,
      text: r['text'] ?? '',
      sentiment: r['label'] as Sentiment,
      language: r['language'] ?? '',
    }));
}

/** Every labelled set, English and not. */
export function loadAllLabelled(dir = DEFAULT_DATA_DIR): LabelledPost[] {
  return [
    ...loadAirline(dir).map((p) => ({ ...p, language: 'en' })),
    ...loadSentences(dir).map((p) => ({ ...p, language: 'en' })),
    ...loadAlexa(dir).map((p) => ({ ...p, language: 'en' })),
    ...loadComplaints(dir),
    ...loadTweeteval(dir),
    ...loadIrony(dir),
    ...loadMultilingual(dir),
  ];
}

/**
 * What makes two posts the same for cross-validation: the text with handles, links, "RT", case,
 * digits and punctuation removed. Retweets and copy-pasted complaints sent to several accounts
 * then share a group, and a group always lands in one fold, so a test fold never holds a post
 * the model was trained on under another id.
 */
export function dedupeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/https?:\/\/\S+|www\.\S+/g, ' ')
    .replace(/(^|\s)rt\s+@\S+:?/g, ' ')
    .replace(/@\S+/g, ' ')
    .replace(/[^\p{L}]+/gu, ' ')
    .trim();
}

/** Per post key, its group: the key of the first post with the same id or the same de-duplicated text. */
export function duplicateGroups(posts: readonly LabelledPost[]): Map<string, string> {
  const byText = new Map<string, string>();
  const groups = new Map<string, string>();
  for (const p of posts) {
    const known = groups.get(p.key);
    const norm = dedupeText(p.text);
    // Very short texts ("thanks!") are common phrases, not copies of one post.
    const byNorm = norm.length >= 12 ? byText.get(norm) : undefined;
    const group = known ?? byNorm ?? p.key;
    groups.set(p.key, group);
    if (norm.length >= 12 && !byText.has(norm)) byText.set(norm, group);
  }
  return groups;
}
