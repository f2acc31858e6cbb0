import type { Config } from '../config/load.js';
import type { ChatDestinationConfig } from '../config/schema.js';

/** With no chat configured, alerts still go somewhere a person sees them: the console. */
export function chatDestinations(config: Pick<Config, 'chat'>): ChatDestinationConfig[] {
  return config.chat.length ? config.chat : [{ id: 'console', kind: 'console' }];
}
