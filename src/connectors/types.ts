import type { z } from 'zod';
import type { Logger } from 'pino';
import type { BrandConfig, SourceConfig } from '../config/schema.js';
import type { Mention } from '../mention.js';
import type { HttpClient } from '../http/client.js';
import type { SourceKv } from '../store/kv.js';
import type { RateLimiter } from './shared/limiter.js';

export interface RejectedItem {
  reason: string;
  raw: unknown;
}

export interface FetchResult {
  mentions: Mention[];
  /** Items that could not be normalised; they go to the dead-letter queue, the page still flows. */
  rejected: RejectedItem[];
  /** Opaque to shared code; persisted per source and handed back on the next fetch. */
  cursor: string | null;
  /** The platform's budget is spent (or it said 429 part-way): do not poll this source again before then. */
  pauseUntil?: Date;
  /** The poll stopped at its page limit with more waiting: poll again now, not after the interval. */
  more?: boolean;
}

export interface ReplyResult {
  replyId: string;
  url: string | null;
}

export interface ReplyOptions {
  /** Stable for one approved draft, so a replay after a crash is recognised by the platform. */
  idempotencyKey: string;
  signal?: AbortSignal;
}

/** Where a stream delivers what it hears; resolves once the items are stored and handed on. */
export interface StreamSink {
  deliver(batch: FetchResult): Promise<void>;
  /** Connected (again): the runner resets its backoff and triggers a catch-up poll for the gap. */
  connected(): void;
}

export interface SourceClient {
  fetch(cursor: string | null, signal?: AbortSignal): Promise<FetchResult>;
  reply?(mention: Mention, text: string, options: ReplyOptions): Promise<ReplyResult>;
  /**
   * Listens until `signal` aborts or the connection fails (then it throws; the runner reconnects
   * with backoff). `cursor` is the last stream cursor it delivered, for platforms that can resume.
   */
  stream?(cursor: string | null, sink: StreamSink, signal: AbortSignal): Promise<void>;
}

export interface Capabilities {
  poll: boolean;
  stream: boolean;
  reply: boolean;
  /** The platform recognises a repeated write by key, so replaying a crashed publish is safe. */
  idempotentReply: boolean;
  followers: boolean;
  /** How the platform signals limits: response headers, a daily quota, errors inside a 200 body, or none. */
  rateLimit: 'headers' | 'quota' | 'body' | 'none';
}

export interface ConnectorContext<O> {
  source: SourceConfig;
  brand: BrandConfig;
  options: O;
  http: HttpClient;
  log: Logger;
  /** Directory that relative paths in options are resolved against (the config file's folder). */
  baseDir: string;
  /** Small persistent state for this source (sessions, tokens), shared by every worker process. */
  kv: SourceKv;
  /** Shared request budget per credential, across sources and processes. */
  limiter: RateLimiter;
}

/** What a connector's request helpers carry around; each connector extends it with its own fields. */
export interface ConnectorEnv {
  http: HttpClient;
  log: Logger;
  sourceId: string;
  brandId: string;
  limiter: RateLimiter;
}

/** The shared part of every connector's env, taken from its context (spread it, then add the platform's fields). */
export function connectorEnv(ctx: ConnectorContext<unknown>): ConnectorEnv {
  return { http: ctx.http, log: ctx.log, sourceId: ctx.source.id, brandId: ctx.brand.id, limiter: ctx.limiter };
}

export interface Connector<O = unknown> {
  kind: string;
  /** Options and credentials for one source of this kind, checked at startup. */
  optionsSchema: z.ZodType<O>;
  capabilities: Capabilities;
  /** Checks that need the world outside the config (a file that must exist); problems start with the option's name. */
  checkOptions?(options: O, env: { baseDir: string }): string[];
  create(context: ConnectorContext<O>): SourceClient;
}

/** Keeps the option type tied to the schema at the definition site, then erases it for the registry. */
export function defineConnector<S extends z.ZodType>(connector: Connector<z.infer<S>> & { optionsSchema: S }): Connector {
  return connector as unknown as Connector;
}
