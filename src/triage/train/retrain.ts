import type { BrandConfig } from '../../config/schema.js';
import type { Correction } from '../../store/corrections.js';
import { fitModel, prepare, type FitOptions, type TrainingRow } from './fit.js';
import type { TriageModel } from '../model.js';

/**
 * A correction counts for several dev rows: a responder's label is about this brand's own
 * audience, which the public sets only approximate.
 */
export const CORRECTION_WEIGHT = 3;

/**
 * Corrections for brands no longer in the config are still good text labels; they are masked with
 * a bare brand. A complaint label marked suspect (see store/corrections.ts) counts as no label.
 */
export function correctionRows(corrections: Correction[], brands: readonly BrandConfig[]): TrainingRow[] {
  const byId = new Map(brands.map((b) => [b.id, b]));
  const complaintOf = (c: Correction) => (c.complaintSuspect ? undefined : c.labels.complaint);
  return corrections
    .filter((c) => c.labels.sentiment !== undefined || complaintOf(c) !== undefined)
    .map((c) => ({
      key: `correction:${c.brandId}:${c.itemId}`,
      text: c.text,
      brand: byId.get(c.brandId) ?? { id: c.brandId, name: c.brandId, keywords: [], handles: [], hashtags: [] },
      sentiment: c.labels.sentiment ?? null,
      complaint: complaintOf(c) ?? null,
      weight: CORRECTION_WEIGHT,
      calibrateBrand: c.brandId,
    }));
}

export interface RetrainInput {
  base: TrainingRow[];
  corrections: Correction[];
  brands: readonly BrandConfig[];
  options?: FitOptions;
}

/** The base rows plus the corrections, with per-brand calibration fitted on the corrections' out-of-fold scores. */
export function retrain(input: RetrainInput): TriageModel {
  const rows = [...input.base, ...correctionRows(input.corrections, input.brands)];
  const corrections = rows.length - input.base.length;
  return fitModel(prepare(rows), { ...input.options, meta: { ...input.options?.meta, corrections } });
}
