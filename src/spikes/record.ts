import type { BrandConfig } from '../config/schema.js';
import type { Mention } from '../mention.js';
import type { Db } from '../postgres/pool.js';
import { addCounts, type CountRow, type TermRow } from '../store/spike-counts.js';
import type { TriageResult } from '../triage/types.js';
import { spikeTerms } from './terms.js';

export const BUCKET_MS = 5 * 60_000;

export function bucketOf(at: number): number {
  return Math.floor(at / BUCKET_MS) * BUCKET_MS;
}

/**
 * Sums a batch into rows before it reaches PostgreSQL: a page of 500 posts about one storm is a
 * handful of count rows and a few hundred term rows, one statement each. Keyed per brand and
 * bucket first, so a post's ten terms are ten lookups of the term alone, not ten joined keys.
 */
export class Tally {
  private counts = new Map<string, CountRow>();
  private terms = new Map<string, Map<string, TermRow>>();

  add(mention: Mention, triage: TriageResult, brand: BrandConfig): void {
    const bucket = bucketOf(Date.parse(mention.createdAt));
    const negative = triage.sentiment === 'negative' ? 1 : 0;
    this.count(mention.brandId, 'brand', '', bucket, negative);
    this.count(mention.brandId, 'source', mention.sourceId, bucket, negative);
    this.count(mention.brandId, 'category', triage.category, bucket, negative);
    const slot = `${mention.brandId}\u0000${bucket}`;
    let terms = this.terms.get(slot);
    if (!terms) this.terms.set(slot, (terms = new Map()));
    for (const term of spikeTerms(mention.text, triage.language, brand)) {
      const row = terms.get(term);
      if (row) row.n += 1;
      else terms.set(term, { brandId: mention.brandId, term, bucket, n: 1 });
    }
  }

  private count(brandId: string, dim: CountRow['dim'], key: string, bucket: number, negative: number): void {
    const k = `${brandId}\u0000${dim}\u0000${key}\u0000${bucket}`;
    const row = this.counts.get(k);
    if (row) {
      row.n += 1;
      row.negative += negative;
    } else this.counts.set(k, { brandId, dim, key, bucket, n: 1, negative });
  }

  rows(): { counts: CountRow[]; terms: TermRow[] } {
    const terms: TermRow[] = [];
    for (const slot of this.terms.values()) for (const row of slot.values()) terms.push(row);
    return { counts: [...this.counts.values()], terms };
  }
}

export interface Scored {
  mention: Mention;
  triage: TriageResult;
}

/**
 * Counts mentions triaged for the first time. The caller passes only those (stage "new" when
 * loaded): a triage job run again after a crash must not count its batch twice.
 */
export async function recordForSpikes(db: Db, brands: ReadonlyMap<string, BrandConfig>, scored: readonly Scored[]): Promise<void> {
  const tally = new Tally();
  for (const s of scored) {
    const brand = brands.get(s.mention.brandId);
    if (brand) tally.add(s.mention, s.triage, brand);
  }
  const { counts, terms } = tally.rows();
  await addCounts(db, counts, terms);
}
