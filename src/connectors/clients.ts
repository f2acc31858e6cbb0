import type { Redis } from 'ioredis';
import type { Directory } from '../store/directory-cache.js';
import type { Config, LoadedSource } from '../config/load.js';
import { redisKv } from '../store/source-kv.js';
import { redisLimiter, type RateLimiter } from './shared/limiter.js';
import { connectors } from './registry.js';
import type { Connector, SourceClient } from './types.js';
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
  /** The brand terms each cached client was built with. */
  private readonly stamps = new Map<string, string>();

  constructor(
    private readonly config: Config,
    private readonly http: HttpClient,
    private readonly log: Logger,
    private readonly redis: Redis,
    private readonly directory?: Directory,
  ) {
    this.limiter = redisLimiter(redis, config.redis.prefix);
    // A client builds its queries from the brand's keywords: an edited brand gets a new client at the next poll.
    directory?.onChange((snap) => {
      for (const [id, handle] of this.handles) {
        const now = snap.brands.find((b) => b.id === handle.source.brand);
        if (JSON.stringify(now && [now.name, now.keywords, now.handles, now.hashtags]) !== this.stamps.get(id)) this.handles.delete(id);
      }
    });
  }

  get(sourceId: string): SourceHandle | null {
    const cached = this.handles.get(sourceId);
    if (cached) return cached;
    const source = this.config.sources.find((s) => s.id === sourceId);
    const brand = source ? (this.directory?.brand(source.brand) ?? this.config.brands.find((b) => b.id === source.brand)) : undefined;
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
    this.stamps.set(sourceId, JSON.stringify([brand.name, brand.keywords, brand.handles, brand.hashtags]));
    return handle;
  }
}
