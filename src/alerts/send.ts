import { UnrecoverableError } from 'bullmq';
import type { ChatDestinationConfig } from '../config/schema.js';
import { PermanentError } from '../connectors/errors.js';
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
  switch (destination.kind) {
    case 'slack':
      return sendSlack(deps.http, destination, alert);
    case 'teams':
      return sendTeams(deps.http, destination.webhookUrl, alert);
    case 'discord':
      return sendDiscord(deps.http, destination.webhookUrl, alert);
    case 'webhook':
      return sendWebhook(deps.http, destination, alert);
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
