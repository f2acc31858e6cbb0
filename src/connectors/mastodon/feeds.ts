import type { Options } from './options.js';
import { expectShape, notificationEntries, statusEntries, WireList, WireSearch, type Entry } from './wire.js';

/** One paged listing the connector reads: the mentions, a hashtag's timeline or a search. */
export interface Feed {
  key: string;
  path: string;
  query: Record<string, string | string[]>;
  limit: number;
  entries(body: unknown, url: string): Entry[];
  /** An unknown hashtag answers 404; that is a quiet feed, not a broken source. */
  skipOn404: boolean;
}

/** The feeds a source's options ask for, each hashtag and search once. */
export function feedsFor(o: Options): Feed[] {
  const feeds: Feed[] = [];
  if (o.mentions) {
    feeds.push({
      key: 'notifications',
      path: '/api/v1/notifications',
      query: { 'types[]': ['mention'] },
      limit: Math.min(o.pageLimit, 80),
      entries: notificationEntries,
      skipOn404: false,
    });
  }
  // Tag timelines and search stop at 40 per page; asking for more would make every page look short.
  for (const tag of new Set(o.hashtags.map((t) => t.toLowerCase()))) {
    feeds.push({
      key: `tag:${tag}`,
      path: `/api/v1/timelines/tag/${encodeURIComponent(tag)}`,
      query: {},
      limit: Math.min(o.pageLimit, 40),
      entries: (body, url) => statusEntries(expectShape(WireList, body, url)),
      skipOn404: true,
    });
  }
  for (const q of new Set(o.search)) {
    feeds.push({
      key: `search:${q}`,
      path: '/api/v2/search',
      query: { q, type: 'statuses' },
      limit: Math.min(o.pageLimit, 40),
      entries: (body, url) => statusEntries(expectShape(WireSearch, body, url).statuses),
      skipOn404: false,
    });
  }
  return feeds;
}
