/**
 * What a spike record holds: the store keeps them (spikes.ts), the detector and explain.ts in
 * alerts/spikes/ compute them, the API and chat show them.
 */
export type SpikeKind = 'volume' | 'negative' | 'category' | 'source' | 'term';

export type Severity = 'minor' | 'major' | 'critical';

export interface SpikePost {
  id: string;
  platform: string;
  handle: string;
  text: string;
  url: string | null;
  followers: number | null;
  urgency: number;
  createdAt: number;
}

export interface Rose {
  kind: SpikeKind;
  key: string;
  /** "Volume", "Negative posts", "Category delay_cancellation", "Term \"outage\"". */
  label: string;
  observed: number;
  expected: number;
  /** Observed after capping each author's posts. */
  effective: number;
  z: number;
  authors: number;
  windowMinutes: number;
}

export interface Explanation {
  brandId: string;
  brandName: string;
  severity: Severity;
  /** One line in words: what rose, by how much, against what. */
  summary: string;
  window: { from: number; to: number };
  rose: Rose[];
  terms: Array<{ term: string; posts: number; usual: number; lift: number; z: number }>;
  categories: Array<{ category: string; posts: number }>;
  platforms: Array<{ platform: string; posts: number }>;
  posts: SpikePost[];
  firstPost: SpikePost | null;
  totalPosts: number;
  authors: number;
  negativeShare: number;
}
