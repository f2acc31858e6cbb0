import type { Connector } from './types.js';
import { fileConnector } from './file.js';
import { mastodonConnector } from './mastodon.js';

/** One line per connector. Shared code looks connectors up here by `kind` and never names a platform. */
export const connectors: Record<string, Connector> = Object.fromEntries(
  [
    fileConnector,
    mastodonConnector,
  ].map((c) => [c.kind, c]),
);
