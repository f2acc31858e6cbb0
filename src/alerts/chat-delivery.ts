import { createHash } from 'node:crypto';
import type { AppContext } from '../context.js';
import type { Alert } from './message.js';
import { deliver } from './send.js';
import type { ChatDestinationConfig } from '../config/schema.js';
import { PermanentError } from '../http/errors.js';
import { goneFingerprint, markGone } from '../store/alert-marks.js';

/** The URL a destination posts to, hashed: a 410 switches off that URL, not the destination's id. */
function fingerprint(destination: ChatDestinationConfig): string | null {
  return 'webhookUrl' in destination ? createHash('sha256').update(destination.webhookUrl).digest('hex').slice(0, 32) : null;
}

/**
 * Delivers through the destination's sink, except to a URL that answered 410 Gone: that is the
 * receiver asking to be left alone (Standard Webhooks), so nothing more is sent there until the
 * config gives the destination another URL. Every process sees the switch (it is in Redis).
 */
export async function deliverTo(ctx: AppContext, destination: ChatDestinationConfig, alert: Alert): Promise<'sent' | 'disabled'> {
  const print = fingerprint(destination);
  if (print && (await goneFingerprint(ctx, destination.id)) === print) return 'disabled';
  try {
    await deliver(destination, alert, { http: ctx.http, log: ctx.log });
    return 'sent';
  } catch (err) {
    if (print && err instanceof PermanentError && err.status === 410) {
      await markGone(ctx, destination.id, print);
      ctx.log.error(
        { destination: destination.id },
        'chat destination answered 410 Gone: no more alerts go to it until chat[].webhookUrl changes',
      );
    }
    throw err;
  }
}
