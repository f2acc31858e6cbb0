import pino from 'pino';
import { memoryKv, type SourceKv } from '../../src/store/kv.js';
import { memoryLimiter, type RateLimiter } from '../../src/connectors/shared/limiter.js';
import type { Connector, SourceClient } from '../../src/connectors/types.js';
import { HttpClient } from '../../src/http/client.js';

export const TEST_BRAND = { id: 'acme', name: 'Acme Air', keywords: ['acme air'], handles: ['@AcmeAir'], hashtags: ['acmeair'] };

/**
 * A connector's client built the way the app builds it, without Redis: options go through the
 * connector's own schema, and kv/limiter are in-memory. Pass the same `kv` to a second client to
 * simulate a restart that keeps the stored session.
 */
export function makeClient(
  connector: Connector,
  options: Record<string, unknown>,
  extra: { kv?: SourceKv; limiter?: RateLimiter; sourceId?: string; http?: HttpClient } = {},
): { client: SourceClient; kv: SourceKv; limiter: RateLimiter; http: HttpClient } {
  const kv = extra.kv ?? memoryKv();
  const limiter = extra.limiter ?? memoryLimiter();
  const http = extra.http ?? new HttpClient({ userAgent: 'earshot-test/1.0' });
  const source = {
    id: extra.sourceId ?? 'src',
    kind: connector.kind,
    brand: 'acme',
    interval: 60_000,
    enabled: true,
    stream: true,
    allowPrivateNetwork: false,
    options,
  };
  const client = connector.create({
    source,
    brand: TEST_BRAND,
    options: connector.optionsSchema.parse(options),
    http,
    log: pino({ level: process.env['EARSHOT_TEST_LOG'] ?? 'silent' }),
    baseDir: process.cwd(),
    kv,
    limiter,
  });
  return { client, kv, limiter, http };
}
