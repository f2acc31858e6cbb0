import type { BrandConfig } from '../../../config/schema.js';
import type { Mention } from '../../../mention.js';
import { triage } from '../../index.js';
import { loadModel, useModel } from '../../model.js';
import type { TriageContext } from '../../../triage-types.js';

const NO_HISTORY: TriageContext['author'] = { priorMentions: 0, recentMentions: 0, priorComplaints: 0, repliesSent: 0 };

export function asMention(text: string, i: number, brandId = 'eval'): Mention {
  return {
    id: `m_${String(i).padStart(22, '0')}`,
    platform: 'eval',
    sourceId: 'eval',
    brandId,
    nativeId: String(i),
    url: null,
    text,
    lang: null,
    createdAt: '2026-01-01T00:00:00Z',
    author: { id: `a${i}`, handle: `a${i}`, name: '', followers: null, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: {},
  };
}

/**
 * Posts per CPU-second, the best of three timed passes after a warm-up: CPU time rather than
 * wall time and the best pass, so other work on a shared machine skews it as little as possible.
 * JavaScript runs on one core, so this is the one-core figure (GC helper threads count against it).
 */
export function postsPerSecond(count: number, run: () => void, passes = 3): number {
  run();
  let best = Infinity;
  for (let i = 0; i < passes; i += 1) {
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return count / best;
}

export function triageSpeed(texts: string[], brand: BrandConfig): number {
  const mentions = texts.map((t, i) => asMention(t, i, brand.id));
  const context: TriageContext = { brand, author: NO_HISTORY };
  return postsPerSecond(mentions.length, () => {
    for (const m of mentions) triage(m, context);
  });
}

/** Wall time to read and unpack the committed model file, as at startup. */
export function modelLoadMs(): number {
  const start = performance.now();
  const model = loadModel();
  const ms = performance.now() - start;
  useModel(model);
  return ms;
}
