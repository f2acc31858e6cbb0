import { Cluster, Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { redactUrl } from '../log.js';

const CLUSTER_SCHEME = /^rediss?-cluster:\/\//;

/** `redis-cluster://[user:pass@]host:port,host:port` (or `rediss-cluster://` for TLS) names a Redis Cluster by its seed nodes. */
export function isClusterUrl(url: string): boolean {
  return CLUSTER_SCHEME.test(url);
}

/** A `{tag}` in the prefix puts every key of ours and BullMQ's in one cluster slot, so scripts and MULTI work. */
export function hasHashTag(prefix: string): boolean {
  return /\{[^{}]+\}/.test(prefix);
}

/** How long an API request's Redis command may take before the request answers 503. */
export const FAIL_FAST_TIMEOUT_MS = 5_000;

/**
 * Two kinds of connection. Workers (the default): BullMQ needs `maxRetriesPerRequest: null`
 * (blocking commands must not give up), and a job should wait through a Redis restart rather than
 * fail. `failFast` (the API): a person is waiting, so a command fails at once while Redis is
 * unreachable (no offline queue) and after FAIL_FAST_TIMEOUT_MS when it hangs, and the request
 * answers 503 instead of hanging until Redis comes back, possibly never.
 */
export function createRedis(url: string, log?: Logger, name = 'earshot', options: { failFast?: boolean } = {}): Redis {
  const failFast = options.failFast
    ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: FAIL_FAST_TIMEOUT_MS }
    : { maxRetriesPerRequest: null };
  const redis = isClusterUrl(url)
    ? createCluster(url, name, failFast)
    : new Redis(url, {
        ...failFast,
        enableReadyCheck: true,
        connectionName: name,
        retryStrategy: (times) => Math.min(200 * times, 5_000),
      });
  let warned = false;
  redis.on('error', (err: Error) => {
    if (!warned) log?.warn({ err: err.message, redis: redactUrl(url) }, 'redis connection problem; retrying');
    warned = true;
  });
  redis.on('ready', () => {
    if (warned) log?.info('redis connection restored');
    warned = false;
  });
  return redis;
}

/**
 * Cluster speaks the same commands as Redis for everything Earshot does: every key shares the
 * prefix's hash tag, so each script, pipeline and MULTI lands on one node. The cast keeps the one
 * `Redis` type through the code base instead of a union at every call site.
 */
function createCluster(
  url: string,
  name: string,
  behaviour: { maxRetriesPerRequest: number | null; enableOfflineQueue?: boolean; commandTimeout?: number },
): Redis {
  const rest = url.replace(CLUSTER_SCHEME, '');
  const at = rest.lastIndexOf('@');
  const [username, password] =
    at >= 0
      ? rest
          .slice(0, at)
          .split(':')
          .map((part) => decodeURIComponent(part))
      : [];
  const nodes = rest
    .slice(at + 1)
    .replace(/\/.*$/s, '')
    .split(',')
    .map((hostPort) => {
      const [host, port] = hostPort.split(':');
      return { host: host || '127.0.0.1', port: Number(port || 6379) };
    });
  const { enableOfflineQueue, ...perNode } = behaviour;
  const cluster = new Cluster(nodes, {
    enableReadyCheck: true,
    ...(enableOfflineQueue === false ? { enableOfflineQueue } : {}),
    clusterRetryStrategy: (times) => Math.min(200 * times, 5_000),
    redisOptions: {
      ...perNode,
      connectionName: name,
      username: username || undefined,
      password: password || undefined,
      ...(url.startsWith('rediss') ? { tls: {} } : {}),
    },
  });
  return cluster as unknown as Redis;
}

/** Resolves once the connection is ready; a fail-fast connection rejects commands before that. */
export function whenReady(redis: Redis, timeoutMs = 15_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`redis was not ready within ${timeoutMs / 1000}s`));
    }, timeoutMs);
    function onReady() {
      clearTimeout(timer);
      resolve();
    }
    redis.once('ready', onReady);
  });
}

const UNAVAILABLE = [
  /Stream isn't writeable/,
  /Command timed out/,
  /Connection is closed/,
  /max retries per request/i,
  /ECONNREFUSED|ECONNRESET|EPIPE/,
  /LOADING/,
  /CLUSTERDOWN/,
];

/** Errors that mean "the store is unreachable right now", not "this request is wrong". */
export function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'MaxRetriesPerRequestError' || UNAVAILABLE.some((re) => re.test(err.message));
}
