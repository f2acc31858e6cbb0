import type { Config } from '../config/load.js';
import type { SpikeRecord } from '../store/spikes.js';
import { inboxBaseUrl, shorten } from './message.js';

/** Everything a chat message about a spike says, as plain text; each sink escapes it its own way. */
export interface SpikeText {
  title: string;
  summary: string;
  rose: string[];
  terms: string;
  context: string;
  posts: Array<{ text: string; url: string | null }>;
  first: string | null;
  status: string;
  inboxUrl: string;
}

const ICON = { minor: 'Spike', major: 'Major spike', critical: 'Crisis' } as const;

function when(at: number): string {
  return new Date(at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function spikeStatus(s: SpikeRecord): string {
  const parts: string[] = [];
  if (s.status === 'closed') parts.push(`Back to normal since ${when(s.closedAt ?? s.updatedAt)}`);
  else parts.push(`Open since ${when(s.startedAt)}`);
  if (s.acknowledgedBy) parts.push(`acknowledged by @${s.acknowledgedBy}`);
  if (s.escalatedBy) parts.push(`escalated by @${s.escalatedBy}`);
  if (s.expectedBy) parts.push(`marked as expected by @${s.expectedBy}`);
  return parts.join(' · ');
}

export function spikeUrl(config: Pick<Config, 'api'>, spikeId: string): string {
  return `${inboxBaseUrl(config)}/#/spikes/${encodeURIComponent(spikeId)}`;
}

export function spikeText(config: Pick<Config, 'api'>, s: SpikeRecord): SpikeText {
  const e = s.explanation;
  const title = s.status === 'closed' ? `Back to normal · ${e.brandName}` : `${ICON[s.severity]} · ${e.brandName}`;
  const rose = e.rose
    .slice(0, 4)
    .map((r) => `${r.label}: ${Math.round(r.observed)} in ${r.windowMinutes} min against ${r.expected} expected, ${r.authors} authors`);
  const terms = e.terms.length
    ? `Terms: ${e.terms
        .slice(0, 5)
        .map((t) => `${t.term} (${t.posts}, ${t.lift}× usual)`)
        .join(' · ')}`
    : 'No term stands out';
  const cats = e.categories.map((c) => `${c.category.replace(/_/g, ' ')} ${c.posts}`).join(', ');
  const plats = e.platforms.map((p) => `${p.platform} ${p.posts}`).join(', ');
  const context = `${e.totalPosts} posts by ${e.authors} authors · ${Math.round(e.negativeShare * 100)}% negative · ${cats} · on ${plats}`;
  const posts = e.posts.slice(0, 3).map((p) => ({ text: `@${p.handle} (${p.platform}): ${shorten(p.text, 200)}`, url: p.url }));
  const first = e.firstPost ? `First post ${when(e.firstPost.createdAt)}: @${e.firstPost.handle}: ${shorten(e.firstPost.text, 160)}` : null;
  return { title, summary: e.summary, rose, terms, context, posts, first, status: spikeStatus(s), inboxUrl: spikeUrl(config, s.id) };
}
