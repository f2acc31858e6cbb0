import { createHash } from 'node:crypto';

/**
 * Every Redis key Earshot's store uses, in one place: only transient state (queues, locks,
 * budgets, alert dedupe, reminders, pub/sub); records are in PostgreSQL. With a `{tag}` prefix
 * they share one cluster slot.
 */
export function storeKeys(prefix: string) {
  return {
    /** Base of the inbox's pub/sub channel; the inbox itself is in PostgreSQL. */
    inbox: `${prefix}:inbox`,
    deadLetter: `${prefix}:dlq`,
    /** One key per dead letter already kept (source + line or content hash), so a re-import adds none twice. */
    deadLetterSeen: (hash: string) => `${prefix}:dlqseen:${hash}`,
    /** Pub/sub channel announcing a new users-and-brands version (see store/directory-cache.ts). */
    directory: `${prefix}:directory`,
    /** The hashed session keys of one user, so an admin can end them all. */
    userSessions: (user: string) => `${prefix}:usersessions:${digest(user)}`,
    alertSent: (itemId: string, destinationId: string) => `${prefix}:alerted:${itemId}:${destinationId}`,
    /** Single escalations sent to a destination in one minute (window start, epoch ms). */
    alertBudget: (destinationId: string, window: number) => `${prefix}:alertbudget:${destinationId}:${window}`,
    /** Set when a destination's URL answered 410 Gone (holds a hash of that URL). */
    chatGone: (destinationId: string) => `${prefix}:chatgone:${destinationId}`,
    /** Urgent items held for a destination's next digest, scored by when they were held. */
    alertHeld: (destinationId: string) => `${prefix}:alertheld:${destinationId}`,
    /** The held set while its digest is being sent (renamed from alertHeld, so new holds wait for the next one). */
    alertDigest: (destinationId: string) => `${prefix}:alertheld:${destinationId}:sending`,
    /** How many items were held in all (the held set keeps only the most urgent few). */
    alertHeldCount: (destinationId: string) => `${prefix}:alertheld:${destinationId}:count`,
    alertDigestCount: (destinationId: string) => `${prefix}:alertheld:${destinationId}:sending:count`,
    /** SLA reminders due, scored by when: members `warn|<item>` and `breach|<item>`. */
    slaDue: `${prefix}:sla:due`,
    /** Who is on an item: members `viewing|<user>` / `typing|<user>`, scored by when each expires. */
    presence: (itemId: string) => `${prefix}:presence:${itemId}`,
    /** Items anyone is on, scored by when the last presence there expires (queue markers). */
    presenceItems: `${prefix}:presence:items`,
    /** Failed sign-ins for one account from one client address. Hashed: both are typed by strangers. */
    loginFailures: (user: string, address: string) => `${prefix}:login:${digest(`${user.toLowerCase()}\u0000${address}`)}`,
    /** Failed sign-ins for one account from any address: what its back-off grows with. */
    loginAccountFailures: (user: string) => `${prefix}:loginacct:${digest(user.toLowerCase())}`,
    /** One process polls a source, or holds its live stream, at a time (leases.ts). */
    lease: (name: 'poll' | 'stream' | 'spikedeliver', sourceId: string) => `${prefix}:${name}lock:${sourceId}`,
    /** A signed Slack request already handled (its timestamp and signature, hashed). */
    slackSeen: (timestamp: string, signature: string) =>
      `${prefix}:slack:seen:${createHash('sha256').update(`${timestamp}:${signature}`).digest('hex')}`,
    /** A request budget's sliding-window log, and until when the platform told us to stop. */
    rateLog: (budget: string) => `${prefix}:rl:${budget}`,
    rateBlocked: (budget: string) => `${prefix}:rl:${budget}:blocked`,
    /** A connector's own value for one source (a session, a token), as JSON. */
    sourceValue: (sourceId: string, name: string) => `${prefix}:kv:${sourceId}:${name}`,
    /** How many times a failed job was given its attempts back (jobs/failed-jobs.ts). */
    jobRevivals: (queue: string, jobId: string) => `${prefix}:revived:${queue}:${jobId}`,
  };
}
export type StoreKeys = ReturnType<typeof storeKeys>;

/** Where BullMQ keeps its queues (it builds the keys below this itself). */
export function bullPrefix(prefix: string): string {
  return `${prefix}:bull`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** One person on one platform. Cross-platform identity linking builds on this key. */
export function authorKey(platform: string, authorId: string): string {
  return `${platform}:${authorId}`;
}
