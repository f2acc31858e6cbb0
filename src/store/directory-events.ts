import type { Redis } from 'ioredis';

/**
 * Users-and-brands versions over Redis pub/sub (directory-cache.ts follows them). A subscribed
 * connection can do nothing else, so the subscription gets a connection of its own.
 */
export async function publishDirectoryVersion(redis: Redis, channel: string, version: number): Promise<void> {
  await redis.publish(channel, String(version));
}

export interface DirectorySubscription {
  close(): Promise<void>;
}

export interface DirectoryListener {
  onVersion(version: number): void;
  /** After (re)connecting: what was announced while disconnected is read by the caller now. */
  onReady(): void;
  onError(err: Error): void;
}

export async function subscribeDirectory(redis: Redis, channel: string, listener: DirectoryListener): Promise<DirectorySubscription> {
  const sub = redis.duplicate();
  sub.on('message', (_channel: string, message: string) => listener.onVersion(Number(message)));
  sub.on('ready', () => listener.onReady());
  sub.on('error', (err: Error) => listener.onError(err));
  await sub.subscribe(channel);
  return {
    async close() {
      await (sub.status === 'ready' ? sub.quit().catch(() => sub.disconnect()) : sub.disconnect());
    },
  };
}
