import type { AppContext } from '../context.js';
import { chatDestinations } from './destinations.js';
import { escalationAlert, inboxBaseUrl, type Alert } from './message.js';
import { deliverTo } from './chat-delivery.js';
import type { JobData } from '../jobs/catalog.js';
import { alertMarked, markAlert } from '../store/alert-marks.js';
import { getItem } from '../store/inbox.js';
import { loadMentions } from '../store/mentions.js';
import { sendDigest } from './alert-storm.js';

export type AlertOutcome = 'sent' | 'already-sent' | 'not-needed' | 'unknown-destination' | 'destination-gone';

/**
 * Sends one alert to one destination. The job id is stable per item and destination, and a
 * marker set after delivery stops a re-run from sending again.
 */
export async function sendAlert(ctx: AppContext, data: JobData<'alert'>): Promise<AlertOutcome> {
  const destination = chatDestinations(ctx.config).find((d) => d.id === data.destinationId);
  if (!destination) return 'unknown-destination';
  if (data.kind === 'digest') return sendDigest(ctx, destination, data);
  const subject = data.kind === 'escalation' ? data.itemId : `source-${data.sourceId}-${data.at}`;
  if (await alertMarked(ctx, subject, destination.id)) return 'already-sent';
  const alert = await buildAlert(ctx, data);
  if (!alert) return 'not-needed';
  if ((await deliverTo(ctx, destination, alert)) === 'disabled') return 'destination-gone';
  await markAlert(ctx, subject, destination.id, String(Date.now()), 7 * 86_400_000);
  return 'sent';
}

async function buildAlert(ctx: AppContext, data: Exclude<JobData<'alert'>, { kind: 'digest' }>): Promise<Alert | null> {
  if (data.kind === 'source') {
    return {
      kind: 'source',
      sourceId: data.sourceId,
      problem: data.problem,
      at: new Date(data.at).toISOString(),
      inboxUrl: inboxBaseUrl(ctx.config),
    };
  }
  const item = await getItem(ctx.db, data.itemId);
  // Someone already handled it while the alert waited (e.g. chat was down): no need to page anyone.
  if (!item || item.status === 'posted' || item.status === 'rejected' || item.status === 'spam') return null;
  const stored = (await loadMentions(ctx.db, [item.id])).get(item.id);
  if (!stored) return null;
  return escalationAlert(ctx.config, item, stored, ctx.directory.brands);
}
