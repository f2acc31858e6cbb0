import { isIP } from 'node:net';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Config } from '../config/load.js';
import type { Logger } from '../log.js';

const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

function forwardedByAProxy(request: FastifyRequest): boolean {
  return FORWARDING_HEADERS.some((name) => request.headers[name] !== undefined);
}

export function isLoopback(address: string): boolean {
  const bare = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/**
 * Did this request start on this machine? `request.ip` is the client's address: behind the
 * proxies in api.trustProxy it comes from X-Forwarded-For, so a client outside is not loopback
 * even though the proxy's socket is. Without trustProxy a forwarding header means a proxy we were
 * not told about relayed it, and its loopback socket says nothing about the client.
 */
export function fromThisMachine(config: Pick<Config, 'api'>, request: FastifyRequest): boolean {
  if (!isLoopback(request.ip)) return false;
  return Boolean(config.api.trustProxy) || !forwardedByAProxy(request);
}

/**
 * Once per server: requests carry X-Forwarded-For but no proxy is trusted, so sign-in throttling
 * sees one address for every client (see api.trustProxy).
 */
export function warnAboutUntrustedProxy(config: Pick<Config, 'api'>, log: Logger): onRequestHookHandler {
  let warned = Boolean(config.api.trustProxy);
  return async function (request) {
    if (warned || !forwardedByAProxy(request)) return;
    warned = true;
    log.warn(
      { from: request.ip },
      "requests arrive through a reverse proxy (X-Forwarded-For) but api.trustProxy is not set: every client looks like the proxy to sign-in throttling, and /metrics refuses forwarded requests. Set api.trustProxy to the proxy's address.",
    );
  };
}
