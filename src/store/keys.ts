/** Every Redis key Earshot's store uses, in one place. With a `{tag}` prefix they share one cluster slot. */
export function storeKeys(prefix: string) {
  return {
    mention: (id: string) => `${prefix}:m:${id}`,
    author: (authorKey: string) => `${prefix}:a:${authorKey}`,
    authorEvents: (authorKey: string) => `${prefix}:ae:${authorKey}`,
    item: (id: string) => `${prefix}:item:${id}`,
    inbox: `${prefix}:inbox`,
    cursor: (sourceId: string) => `${prefix}:cursor:${sourceId}`,
    sourceState: (sourceId: string) => `${prefix}:source:${sourceId}`,
    timeline: `${prefix}:timeline`,
    audit: `${prefix}:audit`,
    deadLetter: `${prefix}:dlq`,
    alertSent: (itemId: string, destinationId: string) => `${prefix}:alerted:${itemId}:${destinationId}`,
    /** Single escalations sent to a destination in one minute (window start, epoch ms). */
    alertBudget: (destinationId: string, window: number) => `${prefix}:alertbudget:${destinationId}:${window}`,
    /** Set when a destination's URL answered 410 Gone (holds a hash of that URL). */
    chatGone: (destinationId: string) => `${prefix}:chatgone:${destinationId}`,
    /** Urgent items held for a destination's next digest, scored by when they were held. */
    alertHeld: (destinationId: string) => `${prefix}:alertheld:${destinationId}`,
    /** The held set while its digest is being sent (renamed from alertHeld, so new holds wait for the next one). */
    alertDigest: (destinationId: string) => `${prefix}:alertheld:${destinationId}:sending`,
    /** SLA reminders due, scored by when: members `warn|<item>` and `breach|<item>`. */
    slaDue: `${prefix}:sla:due`,
  };
}
export type StoreKeys = ReturnType<typeof storeKeys>;

/** One person on one platform. Cross-platform identity linking builds on this key. */
export function authorKey(platform: string, authorId: string): string {
  return `${platform}:${authorId}`;
}
