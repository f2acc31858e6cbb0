import type { AppContext } from '../context.js';
import { chatDestinations } from './destinations.js';
import { inboxBaseUrl, itemUrl, type DigestAlert } from './message.js';
import { deliverTo } from './chat-delivery.js';
import type { ChatDestinationConfig } from '../config/schema.js';
import type { JobData } from '../jobs/catalog.js';
import { getItems } from '../store/inbox.js';
import { loadMentions } from '../store/mentions.js';
import { digestSnapshot, dropDigestSnapshot, holdForDigest, takeAlertShare } from '../store/alert-marks.js';

export const DEFAULT_ALERTS_PER_MINUTE = 20;
const MINUTE = 60_000;
const DIGEST_LISTS = 10;
// Read to find DIGEST_LISTS still open: some of the most urgent may have been answered meanwhile.
const DIGEST_CANDIDATES = 50;
const HELD_TTL_MS = 86_400_000;

export interface AlertJob {
  data: JobData<'alert'>;
  opts: { jobId: string; priority?: number; delay?: number };
}

/**
 * Which urgent items get a message of their own and which wait for the minute's digest, per
 * destination. The most urgent go first; past the destination's per-minute share the rest are
 * held, and one digest job per destination and minute (a stable job id) lists them.
 */
export async function planEscalations(
  ctx: AppContext,
  urgent: Array<{ id: string; urgency: number }>,
  now = Date.now(),
): Promise<AlertJob[]> {
  const window = Math.floor(now / MINUTE) * MINUTE;
  const jobs: AlertJob[] = [];
  for (const d of chatDestinations(ctx.config)) {
    const wanted = urgent.filter((i) => i.urgency >= (d.minUrgency ?? 0)).sort((a, b) => b.urgency - a.urgency);
    if (wanted.length === 0) continue;
    const limit = d.maxPerMinute ?? DEFAULT_ALERTS_PER_MINUTE;
    const granted = await takeAlertShare(ctx, d.id, window, wanted.length, limit);
    for (const item of wanted.slice(0, granted)) {
      jobs.push({
        data: { kind: 'escalation', itemId: item.id, destinationId: d.id },
        opts: { jobId: `alert-${item.id}-${d.id}`, priority: Math.max(1, 101 - item.urgency) },
      });
    }
    const held = wanted.slice(granted);
    if (held.length === 0) continue;
    // Scored by urgency, so the digest can list the most urgent without reading them all.
    await holdForDigest(ctx, d.id, held, HELD_TTL_MS, DIGEST_CANDIDATES);
    jobs.push({
      data: { kind: 'digest', destinationId: d.id, window },
      opts: { jobId: `digest-${d.id}-${window}`, delay: window + MINUTE - now },
    });
  }
  return jobs;
}

/**
 * Sends one digest: how many urgent items were held back, listing the most urgent still open.
 * Reads a few dozen items however big the storm (a storm of 65k held items once took a worker's
 * whole heap when all were read). The snapshot goes only after delivery; receivers dedupe on the window.
 */
export async function sendDigest(
  ctx: AppContext,
  destination: ChatDestinationConfig,
  data: { window: number },
): Promise<'sent' | 'not-needed'> {
  // A snapshot of what is held: items held from now on wait for the next digest, and a snapshot
  // left by a failed send is sent again first, so nothing held is lost.
  const { count, ids: candidates } = await digestSnapshot(ctx, destination.id, HELD_TTL_MS, DIGEST_CANDIDATES);
  if (count === 0) return 'not-needed';
  const alert = await buildDigest(ctx, destination, candidates, count, data.window);
  const outcome = alert ? await deliverTo(ctx, destination, alert) : 'disabled';
  await dropDigestSnapshot(ctx, destination.id);
  return outcome === 'sent' ? 'sent' : 'not-needed';
}

async function buildDigest(
  ctx: AppContext,
  destination: ChatDestinationConfig,
  ids: string[],
  count: number,
  window: number,
): Promise<DigestAlert | null> {
  // Someone may already have answered some while they waited; those are not worth a ping.
  const open = (await getItems(ctx.db, ids)).filter((i) => i.status !== 'posted' && i.status !== 'rejected' && i.status !== 'spam');
  if (open.length === 0) return null;
  const top = open.sort((a, b) => b.urgency - a.urgency).slice(0, DIGEST_LISTS);
  const stored = await loadMentions(
    ctx.db,
    top.map((i) => i.id),
  );
  const brands = [...new Set(top.map((i) => ctx.directory.brand(i.brandId)?.name ?? i.brandId))];
  return {
    kind: 'digest',
    window: new Date(window).toISOString(),
    brand: brands.join(', '),
    count,
    perMinute: destination.maxPerMinute ?? DEFAULT_ALERTS_PER_MINUTE,
    inboxUrl: inboxBaseUrl(ctx.config),
    items: top.map((i) => {
      const m = stored.get(i.id)?.mention;
      return {
        itemId: i.id,
        urgency: i.urgency,
        platform: i.platform,
        handle: m?.author.handle ?? '?',
        text: m?.text ?? '',
        inboxUrl: itemUrl(ctx.config, i.id),
      };
    }),
  };
}
