import { UnrecoverableError } from 'bullmq';
import type { ChatDestinationConfig } from '../config/schema.js';
import { PermanentError } from '../http/errors.js';
import type { HttpClient } from '../http/client.js';
import type { Logger } from '../log.js';
import { sendConsole } from './console.js';
import { sendDiscord } from './discord.js';
import type { Alert } from './message.js';
import { sendSlack } from './slack.js';
import { sendTeams } from './teams.js';
import { sendWebhook } from './webhook.js';

/** Delivers one alert to one destination. Adding a chat kind means one more case here and one file. */
export async function deliver(destination: ChatDestinationConfig, alert: Alert, deps: { http: HttpClient; log: Logger }): Promise<void> {
  // A self-hosted chat on the office network opted in to private addresses; the rest keep the strict policy.
  const http = 'allowPrivateNetwork' in destination && destination.allowPrivateNetwork ? deps.http.withPrivateNetwork() : deps.http;
  switch (destination.kind) {
    case 'slack':
      return sendSlack(http, destination, alert);
    case 'teams':
      return sendTeams(http, destination.webhookUrl, alert);
    case 'discord':
      return sendDiscord(http, destination.webhookUrl, alert);
    case 'webhook':
      return sendWebhook(http, destination, alert);
    case 'console':
      return sendConsole(deps.log, alert);
  }
}

/**
 * Chat refusals that repeating cannot fix (a deleted Discord webhook, a 410 from a webhook
 * receiver) end the job at once instead of using up retries, and, for Discord, its patience.
 */
export async function finalOnPermanent<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof PermanentError) throw new UnrecoverableError(err.message);
    throw err;
  }
}
