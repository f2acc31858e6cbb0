import { isIP, type LookupFunction } from 'node:net';
import { OutboundRefusedError, TransientError } from './errors.js';
import {
  classifyAddress,
  guardedLookup,
  refusalAmong,
  systemResolver,
  unmapIPv4,
  urlRefusal,
  type AddressClass,
  type OutboundPolicy,
  type ResolvedAddress,
  type Resolver,
} from './policy.js';
import { redactUrl } from './redact.js';

// The pre-check's answers are kept briefly: a poll makes several requests to one host, and the
// connect-time lookup checks again anyway, so a stale answer cannot open anything.
const CACHE_MS = 30_000;
const CACHE_MAX = 500;

/** The outbound policy of one HttpClient: the check before a request and the lookup its connections use. */
export class OutboundGuard {
  readonly lookup: LookupFunction;
  private readonly resolve: Resolver;
  private readonly answers = new Map<string, { at: number; addresses: ResolvedAddress[] }>();

  constructor(
    readonly policy: OutboundPolicy,
    resolve: Resolver = systemResolver,
  ) {
    this.resolve = resolve;
    this.lookup = guardedLookup(policy, resolve, (why, host) => new OutboundRefusedError(`${host}: ${why}`));
  }

  /** Refuses a destination the policy does not allow: scheme, literal address, then every resolved address. */
  async admit(url: string): Promise<AddressClass> {
    const parsed = new URL(url);
    const why = urlRefusal(parsed, this.policy);
    if (why) throw new OutboundRefusedError(`${redactUrl(parsed.origin)}: ${why}`);
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (isIP(unmapIPv4(host))) return classifyAddress(host);
    const addresses = await this.addressesOf(host, parsed.origin);
    const refused = refusalAmong(addresses, this.policy);
    if (refused) throw new OutboundRefusedError(`${parsed.host}: ${refused}`);
    return addresses.every((a) => classifyAddress(a.address) === 'loopback') ? 'loopback' : 'public';
  }

  private async addressesOf(host: string, origin: string): Promise<ResolvedAddress[]> {
    const cached = this.answers.get(host);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.addresses;
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolve(host);
    } catch (err) {
      throw new TransientError(`${origin}: could not resolve the name (${(err as { code?: string }).code ?? 'error'})`);
    }
    if (this.answers.size >= CACHE_MAX) this.answers.clear();
    this.answers.set(host, { at: Date.now(), addresses });
    return addresses;
  }
}
