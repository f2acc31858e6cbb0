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

/**
 * BullMQ workers need `maxRetriesPerRequest: null` (blocking commands must not give up); the same
 * setting suits the store, which should wait through a Redis restart rather than fail a job.
 */
export function createRedis(url: string, log?: Logger, name = 'earshot'): Redis {
  const redis = isClusterUrl(url)
    ? createCluster(url, name)
    : new Redis(url, {
        maxRetriesPerRequest: null,
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
function createCluster(url: string, name: string): Redis {
  const rest = url.replace(CLUSTER_SCHEME, '');
  const at = rest.lastIndexOf('@');
  const [username, password] = at >= 0 ? rest.slice(0, at).split(':').map((part) => decodeURIComponent(part)) : [];
  const nodes = rest
    .slice(at + 1)
    .split('/')[0]!
    .split(',')
    .map((hostPort) => {
      const [host, port] = hostPort.split(':');
      return { host: host || '127.0.0.1', port: Number(port || 6379) };
    });
  const cluster = new Cluster(nodes, {
    enableReadyCheck: true,
    clusterRetryStrategy: (times) => Math.min(200 * times, 5_000),
    redisOptions: {
      maxRetriesPerRequest: null,
      connectionName: name,
      username: username || undefined,
      password: password || undefined,
      ...(url.startsWith('rediss') ? { tls: {} } : {}),
    },
  });
  return cluster as unknown as Redis;
}
