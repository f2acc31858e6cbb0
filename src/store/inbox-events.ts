import type { Redis } from 'ioredis';
import type { StoreCtx } from './context.js';
import { inboxEventsChannel } from './inbox.js';

export interface InboxSubscription {
  close(): Promise<void>;
}

/**
 * Listens to the inbox's change events (announce() in inbox.ts) on a connection of its own: a
 * subscribed Redis connection can do nothing else.
 */
export async function subscribeInboxEvents(
  s: StoreCtx,
  onMessage: (message: string) => void,
  onError: (err: Error) => void,
): Promise<InboxSubscription> {
  const subscriber: Redis = s.redis.duplicate();
  subscriber.on('message', (_channel: string, message: string) => onMessage(message));
  subscriber.on('error', onError);
  await subscriber.subscribe(inboxEventsChannel(s.keys));
  return {
    async close() {
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
