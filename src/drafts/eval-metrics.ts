import { tokens } from './retrieval.js';

/**
 * Scores for `npm run eval:drafts`: how close a draft is to the reply the brand really sent.
 * ROUGE-L F over all words (order matters: the longest common subsequence) and F1 over content
 * words (stop words dropped, order ignored). Leading @mentions are not part of either.
 */

export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/^(?:\s*@[\p{L}\p{N}_.@-]+)+/u, ' ')
      .replace(/https?:\/\/\S+/g, ' ')
      .match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? []
  );
}

function lcs(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      row[j] = a[i - 1] === b[j - 1] ? (prev[j - 1] as number) + 1 : Math.max(prev[j] as number, row[j - 1] as number);
    }
    prev = row;
  }
  return prev[b.length] as number;
}

function f1(overlap: number, predicted: number, reference: number): number {
  if (overlap === 0 || predicted === 0 || reference === 0) return 0;
  const p = overlap / predicted;
  const r = overlap / reference;
  return (2 * p * r) / (p + r);
}

export function rougeL(draft: string, reference: string): number {
  const a = words(draft);
  const b = words(reference);
  return f1(lcs(a, b), a.length, b.length);
}

export function contentF1(draft: string, reference: string): number {
  const a = tokens(draft.replace(/^(?:\s*@[\p{L}\p{N}_.@-]+)+/u, ' '));
  const b = tokens(reference.replace(/^(?:\s*@[\p{L}\p{N}_.@-]+)+/u, ' '));
  const counts = new Map<string, number>();
  for (const t of b) counts.set(t, (counts.get(t) ?? 0) + 1);
  let overlap = 0;
  for (const t of a) {
    const n = counts.get(t) ?? 0;
    if (n > 0) {
      overlap += 1;
      counts.set(t, n - 1);
    }
  }
  return f1(overlap, a.length, b.length);
}
