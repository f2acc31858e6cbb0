import type { Config } from '../config/load.js';
import type { InboxItem } from '../store/inbox.js';
import type { StoredMention } from '../store/mentions.js';

export interface EscalationAlert {
  kind: 'escalation';
  itemId: string;
  brand: string;
  platform: string;
  author: { handle: string; name: string; followers: number | null; url: string | null };
  text: string;
  postUrl: string | null;
  urgency: number;
  category: string;
  reasons: string[];
  inboxUrl: string;
  createdAt: string;
  /** The draft as it was when the alert was built; Slack's Approve button approves exactly this version. */
  draft: string;
  draftVersion: number;
  draftWarnings: string[];
  /** Set when this is an SLA reminder about the item rather than its first escalation. */
  sla?: { stage: SlaStage; dueAt: string };
}

export type SlaStage = 'warn' | 'breach';

export interface SourceAlert {
  kind: 'source';
  sourceId: string;
  problem: string;
  at: string;
  inboxUrl: string;
}

/** Urgent mentions held back because a destination had its per-minute share of single alerts. */
export interface DigestAlert {
  kind: 'digest';
  /** Start of the minute (ISO) whose overflow this is: with the destination, the delivery key. */
  window: string;
  brand: string;
  /** How many urgent mentions were held back (some may have been answered since); `items` lists the most urgent still open. */
  count: number;
  items: Array<{ itemId: string; urgency: number; platform: string; handle: string; text: string; inboxUrl: string }>;
  perMinute: number;
  inboxUrl: string;
}

export type Alert = EscalationAlert | SourceAlert | DigestAlert;

/** The digest's heading and one plain line per listed mention; each sink escapes them its own way. */
export function digestText(alert: DigestAlert): { title: string; note: string; lines: Array<{ text: string; url: string }> } {
  const more = alert.count - alert.items.length;
  return {
    title: `${alert.count} more urgent mention${alert.count === 1 ? '' : 's'} · ${alert.brand}`,
    note: `More than ${alert.perMinute} urgent mentions a minute: single alerts paused for this minute.${more > 0 ? ` ${more} more not listed here.` : ''} All are first in the inbox queue.`,
    lines: alert.items.map((i) => ({ text: `${i.urgency}/100 · @${i.handle} on ${i.platform}: ${shorten(i.text, 140)}`, url: i.inboxUrl })),
  };
}

export function inboxBaseUrl(config: Pick<Config, 'api'>): string {
  const host = config.api.host === '0.0.0.0' || config.api.host === '::' ? 'localhost' : config.api.host;
  return (config.api.publicUrl ?? `http://${host}:${config.api.port}`).replace(/\/+$/, '');
}

/**
 * The one place an item's inbox address is built; every chat kind (and Slack's Edit button) uses
 * it, so the path always matches the inbox router's `#/item/<id>`.
 */
export function itemUrl(config: Pick<Config, 'api'>, itemId: string): string {
  return `${inboxBaseUrl(config)}/#/item/${encodeURIComponent(itemId)}`;
}

/** `brands` is the live list (ctx.directory.brands): a brand added since the start has its name here. */
export function escalationAlert(
  config: Config,
  item: InboxItem,
  stored: StoredMention,
  brands: ReadonlyArray<{ id: string; name: string }> = config.brands,
): EscalationAlert {
  const { mention, triage } = stored;
  return {
    kind: 'escalation',
    itemId: item.id,
    brand: brands.find((b) => b.id === item.brandId)?.name ?? item.brandId,
    platform: mention.platform,
    author: { handle: mention.author.handle, name: mention.author.name, followers: mention.author.followers, url: mention.author.url },
    text: mention.text,
    postUrl: mention.url,
    urgency: item.urgency,
    category: item.category,
    reasons: triage?.reasons ?? [],
    inboxUrl: itemUrl(config, item.id),
    createdAt: mention.createdAt,
    draft: item.draft,
    draftVersion: item.draftVersion,
    draftWarnings: item.draftWarnings,
  };
}

/** The first line every sink shows, so a warning, a breach and a first escalation read differently everywhere. */
export function headline(alert: EscalationAlert): string {
  if (alert.sla?.stage === 'breach') return `SLA breached (due ${shortTime(alert.sla.dueAt)})`;
  if (alert.sla?.stage === 'warn') return `SLA warning: due ${shortTime(alert.sla.dueAt)}`;
  return `Urgent (${alert.urgency}/100)`;
}

function shortTime(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')}Z`;
}

/**
 * What one delivery is about, stable across retries of the same alert job: the item (and SLA
 * stage) or the source problem, plus the destination. Receivers dedupe on it.
 */
export function deliveryKey(alert: Alert, destinationId: string): string {
  if (alert.kind === 'digest') return `digest:${alert.window}:${destinationId}`;
  const subject =
    alert.kind === 'source'
      ? `source:${alert.sourceId}:${alert.at}`
      : alert.sla
        ? `sla-${alert.sla.stage}:${alert.itemId}`
        : `escalation:${alert.itemId}`;
  return `${subject}:${destinationId}`;
}

/** Shortens to `max` characters on a word boundary where one is near. */
export function shorten(text: string, max: number): string {
  const flat = text.trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.7 ? cut.slice(0, space) : cut}…`;
}

export function formatReach(followers: number | null): string {
  if (followers === null) return 'reach unknown';
  if (followers >= 1_000_000) return `${(followers / 1_000_000).toFixed(1).replace(/\.0$/, '')}M followers`;
  if (followers >= 1_000) return `${(followers / 1_000).toFixed(1).replace(/\.0$/, '')}k followers`;
  return `${followers} follower${followers === 1 ? '' : 's'}`;
}

/**
 * When a throttled chat wants the next try: `Retry-After` in seconds (decimals allowed) or as an
 * HTTP date, else `fallbackSeconds`. Shared by every sink so they all honour it the same way.
 */
export function retryAt(headers: Record<string, string>, fallbackSeconds: number, now = Date.now()): Date {
  const raw = headers['retry-after']?.trim();
  if (raw) {
    const seconds = Number(raw);
    if (Number.isFinite(seconds) && seconds >= 0) return new Date(now + Math.ceil(seconds * 1000));
    const date = Date.parse(raw);
    if (Number.isFinite(date)) return new Date(Math.max(now, date));
  }
  return new Date(now + fallbackSeconds * 1000);
}
