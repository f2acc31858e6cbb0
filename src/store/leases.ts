import type { StoreCtx } from './context.js';
import { runScript } from './scripts.js';

/**
 * Short leases in Redis: one process at a time does a thing (polls a source, holds its live
 * stream, delivers a spike's alerts). A lease is taken with a token, renewed while the work runs and released at the end,
 * and only by the token that holds it, so a lease that expired and was taken by another process
 * is never renewed or released by the first.
 */
export type LeaseName = 'poll' | 'stream' | 'spikedeliver';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export async function takeLease(s: StoreCtx, name: LeaseName, sourceId: string, token: string, ms: number): Promise<boolean> {
  return (await s.redis.set(s.keys.lease(name, sourceId), token, 'PX', ms, 'NX')) === 'OK';
}

/** False when the lease is no longer this token's (it expired, another process holds it now). */
export async function renewLease(s: StoreCtx, name: LeaseName, sourceId: string, token: string, ms: number): Promise<boolean> {
  return Number(await runScript(s.redis, 'earshotLeaseRenew', RENEW, [s.keys.lease(name, sourceId)], [token, ms])) === 1;
}

export async function releaseLease(s: StoreCtx, name: LeaseName, sourceId: string, token: string): Promise<void> {
  await runScript(s.redis, 'earshotLeaseRelease', RELEASE, [s.keys.lease(name, sourceId)], [token]);
}
