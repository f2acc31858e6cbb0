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
}

export interface SourceAlert {
  kind: 'source';
  sourceId: string;
  problem: string;
  at: string;
  inboxUrl: string;
}

export type Alert = EscalationAlert | SourceAlert;

export function inboxBaseUrl(config: Pick<Config, 'api'>): string {
  const host = config.api.host === '0.0.0.0' || config.api.host === '::' ? 'localhost' : config.api.host;
  return (config.api.publicUrl ?? `http://${host}:${config.api.port}`).replace(/\/+$/, '');
}

export function itemUrl(config: Pick<Config, 'api'>, itemId: string): string {
  return `${inboxBaseUrl(config)}/#/items/${encodeURIComponent(itemId)}`;
}

export function escalationAlert(config: Config, item: InboxItem, stored: StoredMention): EscalationAlert {
  const { mention, triage } = stored;
  return {
    kind: 'escalation',
    itemId: item.id,
    brand: config.brands.find((b) => b.id === item.brandId)?.name ?? item.brandId,
    platform: mention.platform,
    author: { handle: mention.author.handle, name: mention.author.name, followers: mention.author.followers, url: mention.author.url },
    text: mention.text,
    postUrl: mention.url,
    urgency: item.urgency,
    category: item.category,
    reasons: triage?.reasons ?? [],
    inboxUrl: itemUrl(config, item.id),
    createdAt: mention.createdAt,
  };
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
