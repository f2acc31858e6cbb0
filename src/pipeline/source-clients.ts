import type { Redis } from 'ioredis';
import type { Config, LoadedSource } from '../config/load.js';
import { redisKv } from '../store/source-kv.js';
import { redisLimiter, type RateLimiter } from '../connectors/shared/limiter.js';
import { connectors } from '../connectors/registry.js';
import type { Connector, SourceClient } from '../connectors/types.js';
import type { HttpClient } from '../http/client.js';
import type { Logger } from '../log.js';

export interface SourceHandle {
  source: LoadedSource;
  connector: Connector;
  client: SourceClient;
}

/** One client per configured source, made on first use (sessions and tokens live inside it). */
export class SourceClients {
  private readonly handles = new Map<string, SourceHandle>();
  private readonly limiter: RateLimiter;

  constructor(private readonly config: Config, private readonly http: HttpClient, private readonly log: Logger, private readonly redis: Redis) {
    this.limiter = redisLimiter(redis, config.redis.prefix);
  }

  get(sourceId: string): SourceHandle | null {
    const cached = this.handles.get(sourceId);
    if (cached) return cached;
    const source = this.config.sources.find((s) => s.id === sourceId);
    const brand = this.config.brands.find((b) => b.id === source?.brand);
    const connector = source ? connectors[source.kind] : undefined;
    if (!source || !brand || !connector) return null;
    const client = connector.create({
      source,
      brand,
      options: source.parsedOptions,
      // An on-premises source opted in to private addresses; every other source keeps the strict policy.
      http: source.allowPrivateNetwork ? this.http.withPrivateNetwork() : this.http,
      log: this.log.child({ source: source.id }),
      baseDir: this.config.baseDir,
      kv: redisKv(this.redis, this.config.redis.prefix, source.id),
      limiter: this.limiter,
    });
    const handle = { source, connector, client };
    this.handles.set(sourceId, handle);
    return handle;
  }
}
