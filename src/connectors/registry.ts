import type { Connector } from './types.js';
import { blueskyConnector } from './bluesky/connector.js';
import { fileConnector } from './file/connector.js';
import { mastodonConnector } from './mastodon/connector.js';
import { redditConnector } from './reddit/connector.js';
import { xConnector } from './x/connector.js';
import { appstoreConnector } from './appstore/connector.js';
import { googlebusinessConnector } from './googlebusiness.js';
import { googleplayConnector } from './googleplay.js';
import { trustpilotConnector } from './trustpilot.js';
import { youtubeConnector } from './youtube/connector.js';
import { hackernewsConnector } from './hackernews/connector.js';
import { rssConnector } from './rss/connector.js';

/** One line per connector. Shared code looks connectors up here by `kind` and never names a platform. */
export const connectors: Record<string, Connector> = Object.fromEntries(
  [
    fileConnector,
    mastodonConnector,
    blueskyConnector,
    redditConnector,
    xConnector,
    youtubeConnector,
    googleplayConnector,
    appstoreConnector,
    trustpilotConnector,
    googlebusinessConnector,
    hackernewsConnector,
    rssConnector,
  ].map((c) => [c.kind, c]),
);
