import type { Connector } from './types.js';
import { blueskyConnector } from './bluesky.js';
import { fileConnector } from './file.js';
import { mastodonConnector } from './mastodon.js';
import { redditConnector } from './reddit.js';
import { xConnector } from './x.js';
import { appstoreConnector } from './appstore.js';
import { googlebusinessConnector } from './googlebusiness.js';
import { googleplayConnector } from './googleplay.js';
import { trustpilotConnector } from './trustpilot.js';
import { youtubeConnector } from './youtube.js';
import { hackernewsConnector } from './hackernews.js';
import { rssConnector } from './rss.js';

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
