import type { Sentiment } from '../../../triage-types.js';

export const LABELS: readonly Sentiment[] = ['negative', 'neutral', 'positive'];

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
}

export function classScores(gold: readonly Sentiment[], pred: readonly Sentiment[], label: Sentiment): ClassScores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  gold.forEach((g, i) => {
    const p = pred[i];
    if (p === label && g === label) tp += 1;
    else if (p === label) fp += 1;
    else if (g === label) fn += 1;
  });
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Mean F1 over the labels that occur in the gold set (review sets have no neutral). */
export function macroF1(gold: readonly Sentiment[], pred: readonly Sentiment[]): number {
  const present = LABELS.filter((l) => gold.includes(l));
  return present.reduce((s, l) => s + classScores(gold, pred, l).f1, 0) / present.length;
}

export function accuracy<T>(gold: readonly T[], pred: readonly T[]): number {
  return gold.filter((g, i) => g === pred[i]).length / Math.max(1, gold.length);
}

export function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

/** A fixed-width text table: first column left-aligned, the rest right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
