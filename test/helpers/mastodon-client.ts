import pino from 'pino';
import { mastodonConnector } from '../../src/connectors/mastodon/connector.js';
import { memoryLimiter } from '../../src/connectors/shared/limiter.js';
import type { SourceClient } from '../../src/connectors/types.js';
import type { HttpClient } from '../../src/http/client.js';
import { memoryKv } from '../../src/store/kv.js';
import type { FakeMastodon } from '../fakes/mastodon.js';

/** A Mastodon source for the Acme brand reading the fake instance, with in-memory cursor state and budgets. */
export function mastodonClient(fake: FakeMastodon, http: HttpClient, options: Record<string, unknown> = {}): SourceClient {
  return mastodonConnector.create({
    source: {
      id: 'masto',
      kind: 'mastodon',
      brand: 'acme',
      interval: 60_000,
      enabled: true,
      stream: false,
      allowPrivateNetwork: false,
      options: {},
    },
    brand: { id: 'acme', name: 'Acme Air', keywords: ['acme air'], handles: [], hashtags: ['acme'] },
    options: mastodonConnector.optionsSchema.parse({ instance: fake.url, token: 'fake-token', ...options }),
    http,
    log: pino({ level: 'silent' }),
    baseDir: process.cwd(),
    kv: memoryKv(),
    limiter: memoryLimiter(),
  });
}
