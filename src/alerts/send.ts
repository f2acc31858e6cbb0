import type { ChatDestinationConfig } from '../config/schema.js';
import type { HttpClient } from '../http/client.js';
import type { Logger } from '../log.js';
import { sendConsole } from './console.js';
import type { Alert } from './message.js';
import { sendSlack } from './slack.js';

/** Delivers one alert to one destination. Adding a chat kind means one more case here and one file. */
export async function deliver(destination: ChatDestinationConfig, alert: Alert, deps: { http: HttpClient; log: Logger }): Promise<void> {
  switch (destination.kind) {
    case 'slack':
      return sendSlack(deps.http, destination.webhookUrl, alert);
    case 'console':
      return sendConsole(deps.log, alert);
  }
}
