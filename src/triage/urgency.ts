import type { Mention } from '../mention.js';
import type { Sentiment, TriageContext } from '../triage-types.js';
import type { RiskHit } from './risk.js';

export interface UrgencyInput {
  mention: Mention;
  context: TriageContext;
  sentiment: Sentiment;
  score: number;
  complaintProbability: number;
  /** What made the model call it a complaint, shown right after the complaint line. */
  because?: string | null;
  intensity: number;
  risks: RiskHit[];
  /** Set when the irony head overruled a positive reading. */
  sarcastic?: boolean;
}

interface Part {
  points: number;
  reason: string;
  /** Explains another part; adds nothing to the total. */
  explains?: boolean;
}

/** Below this a contribution is noise and gets no reason line. */
const FLOOR = 3;

function compact(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1).replace(/\.0$/, '')}M`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(n >= 10_000 ? 0 : 1).replace(/\.0$/, '')}k`;
  return String(n);
}

function counted(n: number, one: string, many: string): string {
  return n ? `${compact(n)} ${n === 1 ? one : many}` : '';
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function textParts(u: UrgencyInput): Part[] {
  const parts: Part[] = [];
  const p = u.complaintProbability;
  const complaintPoints = 36 * Math.max(0, (p - 0.2) / 0.8);
  parts.push({ points: complaintPoints, reason: `${p >= 0.5 ? 'complaint' : 'possible complaint'} (${Math.round(p * 100)}% likely)` });
  // No points of its own: it explains the line above, so it sorts just below it.
  if (u.because && complaintPoints >= FLOOR) parts.push({ points: complaintPoints - 0.001, reason: u.because, explains: true });
  if (u.sentiment === 'negative') {
    const strength = Math.min(1, Math.abs(u.score) / 0.6);
    parts.push({ points: 4 + 12 * strength, reason: Math.abs(u.score) >= 0.5 ? 'strongly negative' : 'negative tone' });
  }
  if (u.sarcastic) parts.push({ points: 6, reason: 'reads as sarcastic' });
  parts.push({ points: 8 * u.intensity, reason: 'written in capitals / !!!' });
  // The worst risk counts in full; each further one adds a third, so a post naming every threat does not max out on words alone.
  const risks = [...u.risks].sort((a, b) => b.points - a.points);
  risks.forEach((r, i) => parts.push({ points: i === 0 ? r.points : r.points / 3, reason: r.reason }));
  return parts;
}

function audienceParts(m: Mention): Part[] {
  const parts: Part[] = [];
  const followers = m.author.followers;
  if (followers !== null && followers > 0) {
    // Log scale: 1k followers ≈ nothing, 10k ≈ 8, 100k ≈ 16, 1M+ capped at 24.
    const points = Math.min(24, Math.max(0, (Math.log10(followers) - 3) * 8));
    parts.push({ points, reason: `author has ${compact(followers)} followers` });
  }
  const { replies, reposts, likes } = m.engagement;
  const weighted = replies * 2 + reposts * 3 + likes;
  if (weighted > 0) {
    const points = Math.min(12, Math.log10(1 + weighted) * 4);
    const bits = [counted(reposts, 'repost', 'reposts'), counted(replies, 'reply', 'replies'), counted(likes, 'like', 'likes')].filter(
      Boolean,
    );
    parts.push({ points, reason: `getting attention: ${bits.join(', ')}` });
  }
  return parts;
}

function historyParts(u: UrgencyInput): Part[] {
  const parts: Part[] = [];
  const { recentMentions, priorComplaints } = u.context.author;
  if (recentMentions > 0) {
    parts.push({ points: Math.min(15, recentMentions * 5), reason: `${ordinal(recentMentions + 1)} contact this week` });
  }
  if (priorComplaints > 0) {
    const s = priorComplaints === 1 ? '' : 's';
    parts.push({ points: Math.min(10, priorComplaints * 3), reason: `${priorComplaints} earlier complaint${s} from this author` });
  }
  const rating = u.mention.rating;
  if (rating !== null && rating <= 2) {
    parts.push({ points: rating <= 1 ? 12 : 7, reason: `${Math.round(rating)}-star review` });
  }
  return parts;
}

export function composeUrgency(u: UrgencyInput): { urgency: number; reasons: string[] } {
  const parts = [...textParts(u), ...audienceParts(u.mention), ...historyParts(u)];
  const total = parts.reduce((sum, p) => sum + (p.explains ? 0 : p.points), 0);
  const reasons = parts
    .filter((p) => p.points >= FLOOR)
    .sort((a, b) => b.points - a.points)
    .map((p) => p.reason);
  return { urgency: Math.max(0, Math.min(100, Math.round(total))), reasons };
}
