import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where Earshot may send a request. Every outbound request (connectors, token endpoints, feeds,
 * chat webhooks) is checked here, and so is every URL in the config, so that a hostile feed, a
 * redirect or a typo cannot make Earshot read the cloud metadata service or an internal host
 * and hand the answer back (server-side request forgery).
 *
 * - https (or wss) anywhere public; plain http (or ws) only to loopback;
 * - private, link-local, unique-local and carrier-grade NAT ranges only with `allowPrivateNetwork`
 *   (on-premises feeds), checked after DNS so a name resolving to 10.x is refused as well;
 * - metadata endpoints, "this host" (0.0.0.0, ::) and multicast/reserved space never.
 */
export interface OutboundPolicy {
  allowPrivateNetwork: boolean;
}

export type AddressClass = 'loopback' | 'public' | 'private' | 'forbidden';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Name to addresses, all of them (tests inject a stub; production uses the system resolver). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

function blockList(v4: string[], v6: string[]): BlockList {
  const list = new BlockList();
  for (const net of v4) {
    const [addr, bits] = net.split('/');
    list.addSubnet(addr as string, Number(bits ?? 32), 'ipv4');
  }
  for (const net of v6) {
    const [addr, bits] = net.split('/');
    list.addSubnet(addr as string, Number(bits ?? 128), 'ipv6');
  }
  return list;
}

const LOOPBACK = blockList(['127.0.0.0/8'], ['::1/128']);
// Metadata services (AWS/GCP/Azure, ECS, Alibaba), "this host", multicast and reserved space: never a platform.
const FORBIDDEN = blockList(
  [
    '0.0.0.0/8',
    '169.254.169.254/32',
    '169.254.170.2/32',
    '100.100.100.200/32',
    '192.0.0.0/24',
    '192.0.2.0/24',
    '198.51.100.0/24',
    '203.0.113.0/24',
    '224.0.0.0/4',
    '240.0.0.0/4',
  ],
  ['::/128', 'fd00:ec2::254/128', 'ff00::/8', '100::/64', '2001:db8::/32', '::/96'],
);
const PRIVATE = blockList(
  ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '198.18.0.0/15'],
  // Unique-local, link-local, old site-local, and NAT64 / 6to4 (which can embed any IPv4 address).
  ['fc00::/7', 'fe80::/10', 'fec0::/10', '64:ff9b::/96', '64:ff9b:1::/48', '2002::/16'],
);

/** `::ffff:a.b.c.d` (in any spelling) as the IPv4 address it stands for; anything else unchanged. */
export function unmapIPv4(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(bare) !== 6) return bare;
  const dotted = /^(?:0{0,4}:){0,5}ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (dotted && expandsToMapped(bare)) return dotted[1] as string;
  const hex = /^(?:0{0,4}:){0,5}ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (hex && expandsToMapped(bare)) {
    const hi = parseInt(hex[1] as string, 16);
    const lo = parseInt(hex[2] as string, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return bare;
}

// "::ffff:x" and "0:0:0:0:0:ffff:x" are mapped; "1::ffff:x" is not.
function expandsToMapped(address: string): boolean {
  return address.startsWith('::') || /^(0{1,4}:){5}ffff:/.test(address);
}

/** Which kind of network an IP address (v4, v6, bracketed or IPv4-mapped) belongs to. */
export function classifyAddress(address: string): AddressClass {
  const ip = unmapIPv4(address);
  const family = isIP(ip);
  if (family === 0) return 'forbidden';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (LOOPBACK.check(ip, type)) return 'loopback';
  if (FORBIDDEN.check(ip, type)) return 'forbidden';
  if (PRIVATE.check(ip, type)) return 'private';
  return 'public';
}

/** Why this address may not be contacted, or null when it may. */
export function addressRefusal(address: string, policy: OutboundPolicy): string | null {
  const kind = classifyAddress(address);
  if (kind === 'forbidden') return `${address} is a metadata, unspecified or reserved address`;
  if (kind === 'private' && !policy.allowPrivateNetwork) {
    return `${address} is a private or link-local address; set allowPrivateNetwork: true on this source or destination if it is on your own network`;
  }
  return null;
}

const SECURE = new Set(['https:', 'wss:']);
const PLAIN = new Set(['http:', 'ws:']);

/** The host part without brackets: an IP literal (already normalised by WHATWG URL) or a name. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

function isLoopbackName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

/** Whether the URL names loopback on its face (localhost or a loopback literal). */
export function isLoopbackUrl(url: URL): boolean {
  const host = bareHost(url);
  return isLoopbackName(host) || (isIP(unmapIPv4(host)) !== 0 && classifyAddress(host) === 'loopback');
}

/**
 * What can be said about a URL without DNS: scheme, and the address when the host is an IP
 * literal (WHATWG URL has already turned `2130706433`, `0x7f.1` and `017700000001` into dotted form).
 * Null when allowed so far; names are checked again once resolved.
 */
export function urlRefusal(raw: string | URL, policy: OutboundPolicy): string | null {
  let url: URL;
  try {
    url = typeof raw === 'string' ? new URL(raw) : raw;
  } catch {
    return 'is not a URL';
  }
  const disguised = typeof raw === 'string' ? disguisedHost(raw) : null;
  if (disguised) return disguised;
  if (!SECURE.has(url.protocol) && !PLAIN.has(url.protocol)) return `scheme "${url.protocol}" is not allowed; use https`;
  const host = bareHost(url);
  if (!host) return 'has no host';
  const literal = isIP(unmapIPv4(host)) !== 0;
  if (PLAIN.has(url.protocol) && !isLoopbackUrl(url)) {
    return `plain ${url.protocol.slice(0, -1)} is allowed only to loopback (localhost, 127.0.0.1, [::1]); use https`;
  }
  if (literal) return addressRefusal(host, policy);
  return null;
}

const RAW_HOST = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i;

/**
 * An IPv4 address written as one number, in octal or hex, with parts left out, or wrapped in
 * IPv6 (`::ffff:…`): no platform is configured that way, and it is how filters get bypassed.
 * Null for an absolute URL written plainly, and for relative references.
 */
export function disguisedHost(raw: string): string | null {
  const written = RAW_HOST.exec(raw.trim())?.[1]?.toLowerCase();
  if (written === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  const host = url.hostname;
  if (isIP(host) === 4 && written !== host) return `host "${written}" is an IP address in an unusual form; write it as ${host}`;
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 6 && unmapIPv4(bare) !== bare) return `host ${host} is an IPv4 address wrapped in IPv6; write the IPv4 address itself`;
  return null;
}

/** Checks every address a name resolves to: one bad answer is enough to refuse (DNS can mix them). */
export function refusalAmong(addresses: ResolvedAddress[], policy: OutboundPolicy): string | null {
  if (addresses.length === 0) return 'the name resolves to no address';
  for (const a of addresses) {
    const why = addressRefusal(a.address, policy);
    if (why) return why;
  }
  return null;
}

/**
 * A `lookup` for net/tls.connect that refuses what the policy refuses, so the address checked is
 * the address connected to (a name that changes its answer between check and connect gains nothing).
 */
export function guardedLookup(policy: OutboundPolicy, resolve: Resolver, refused: (why: string, host: string) => Error): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    resolve(hostname).then(
      (addresses) => {
        const why = refusalAmong(addresses, policy);
        if (why) return callback(refused(why, hostname));
        if (options.all) return callback(null, addresses);
        const first = addresses[0] as ResolvedAddress;
        return callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err),
    );
  }) as unknown as LookupFunction;
}
