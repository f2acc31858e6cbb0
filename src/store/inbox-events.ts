import type { Redis } from 'ioredis';
import type { StoreCtx } from './context.js';
import type { StoreKeys } from './keys.js';

/** Pub/sub channel for inbox changes (ids and actions only: no post text goes over it). */
export function inboxEventsChannel(keys: StoreKeys): string {
  return `${keys.inbox}:events`;
}

export interface InboxEvent {
  action: string;
  ids: string[];
  status?: string;
  at: number;
}

/**
 * Tells live inboxes something changed: one PUBLISH per store call, never per mention. Best
 * effort: the change is already stored, and a lost event only delays a screen until its next poll.
 */
export async function announce(s: StoreCtx, event: Omit<InboxEvent, 'at'>): Promise<void> {
  try {
    await s.redis.publish(inboxEventsChannel(s.keys), JSON.stringify({ ...event, at: Date.now() }));
  } catch {
    // Ignored on purpose, see above.
  }
}

export interface InboxSubscription {
  close(): Promise<void>;
}

/**
 * Listens to the inbox's change events (announce() above) on a connection of its own: a
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
