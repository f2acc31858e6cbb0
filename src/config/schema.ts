import { isIP } from 'node:net';
import { z } from 'zod';
import { Duration, HttpUrl, Id, PrivateNetwork } from './fields.js';
import { strict } from './strict.js';
import { Playbook } from './playbook.js';
import { SPIKE_DEFAULTS, SpikesSchema } from './spikes.js';
import { ChatDestination } from './chat.js';

const Brand = strict({
  id: Id,
  name: z.string().min(1),
  keywords: z.array(z.string().min(1)).default([]),
  handles: z.array(z.string().min(1)).default([]),
  hashtags: z.array(z.string().min(1)).default([]),
});

/** `options` is checked against the connector's own schema once the kind is known (see load.ts). */
const Source = strict({
  id: Id,
  kind: z.string().min(1),
  brand: Id,
  interval: Duration.default(60_000),
  enabled: z.boolean().default(true),
  /** Listen live where the connector can (falls back to polling, which keeps running as a safety net). */
  stream: z.boolean().default(true),
  /** Alert when a source that normally yields posts has produced nothing for this long. */
  quietAfter: Duration.optional(),
  options: z.record(z.string(), z.unknown()).default({}),
  /** Lets this source reach private and link-local addresses (an on-premises feed); metadata addresses stay refused. */
  allowPrivateNetwork: PrivateNetwork,
});

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour time like "09:00"');
/** The SLA clock only runs inside these hours (local to `timezone`); days are ISO weekdays, 1 = Monday. */
const BusinessHours = strict({
  timezone: z.string().refine(isTimeZone, 'expected an IANA time zone such as "Europe/Berlin"'),
  days: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
  start: ClockTime.default('09:00'),
  end: ClockTime.default('17:00'),
  appliesTo: z
    .array(z.enum(['urgent', 'normal']))
    .min(1)
    .default(['urgent', 'normal']),
}).refine((b) => b.start < b.end, { message: 'start must be earlier than end' });

const SLA_DEFAULTS = { urgent: 3_600_000, normal: 86_400_000, warnAt: 0.75 };
const Sla = strict({
  urgent: Duration.default(SLA_DEFAULTS.urgent),
  normal: Duration.default(SLA_DEFAULTS.normal),
  /** Warn the usual destinations when this share of the target has passed unanswered. */
  warnAt: z.number().gt(0).lt(1).default(SLA_DEFAULTS.warnAt),
  /** Chat destination id that hears about breaches (a manager channel); without it, the usual destinations do. */
  escalateTo: Id.optional(),
  businessHours: BusinessHours.optional(),
});

export const Roles = ['viewer', 'responder', 'approver', 'admin'] as const;
export type Role = (typeof Roles)[number];

/** A token is given in plain (usually `${ENV_VAR}`) and hashed at load, or as `sha256:<hex>`. */
const User = strict({
  name: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/, 'expected a user name of letters, digits, ".", "_" or "-"'),
  role: z.enum(Roles),
  token: z.string().min(12, 'tokens must be at least 12 characters; generate one with `earshot token`').optional(),
  tokenHash: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/, 'expected "sha256:" and 64 hex digits (see `earshot token`)')
    .optional(),
  /** Slack member id (profile → ⋮ → Copy member ID); maps button clicks in Slack to this user. */
  slackUserId: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,20}$/, 'expected a Slack member id like "U024BE7LH"')
    .optional(),
  /** Web sign-in; made by `earshot user add`. A user may have a password, a token, or both. */
  passwordHash: z
    .string()
    .regex(/^scrypt:\d+:\d+:\d+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/, 'expected "scrypt:<N>:<r>:<p>:<salt>:<hash>" (see `earshot user add`)')
    .optional(),
})
  .refine((u) => !(u.token && u.tokenHash), { message: 'give only one of token or tokenHash' })
  .refine((u) => Boolean(u.token || u.tokenHash || u.passwordHash), { message: 'give a token, a tokenHash or a passwordHash' });

/**
 * Who may approve what. Without an `approval` section every approval needs an approver (the safe
 * default); with one, responders may approve unless one of the rules matches.
 */
const Approval = strict({
  approverRequiredWhen: strict({
    always: z.boolean().optional(),
    followersAbove: z.number().int().nonnegative().optional(),
    categories: z.array(z.string().min(1)).optional(),
    edited: z.boolean().optional(),
    priority: z.literal('urgent').optional(),
    warnings: z.boolean().optional(),
  }).default({}),
  twoApprovals: z.boolean().default(false),
});

const Sessions = strict({
  /** Signed out after this long without a request. */
  idle: Duration.default(2 * 3_600_000),
  /** Signed out this long after signing in, however active. */
  absolute: Duration.default(12 * 3_600_000),
  /** Failed sign-ins per user and address before 429, per `loginWindow`. */
  maxLoginFailures: z.number().int().min(1).max(1000).default(5),
  loginWindow: Duration.default(15 * 60_000),
});

const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** What fastify's trustProxy (proxy-addr) accepts, minus "trust everyone": an address, a CIDR range or a named range. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_KEYWORDS.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

const ProxyAddress = z
  .string()
  .trim()
  .refine(
    isProxyAddress,
    'expected the reverse proxy\'s address: an IP ("127.0.0.1"), a CIDR range ("10.0.0.0/8") or loopback, linklocal, uniquelocal',
  );

/**
 * The reverse proxies in front of the API. Requests from these addresses have their client
 * address (and https) read from X-Forwarded-For / X-Forwarded-Proto; without it, every client
 * behind a proxy looks like the proxy.
 */
const TrustProxy = z
  .union([ProxyAddress, z.array(ProxyAddress).min(1, 'list at least one proxy address, or leave trustProxy out')])
  .transform((value) => [value].flat());

export const ConfigSchema = strict({
  brands: z.array(Brand).min(1, 'add at least one brand to listen for'),
  sources: z.array(Source).default([]),
  chat: z.array(ChatDestination).default([]),
  triage: strict({ urgentThreshold: z.number().int().min(0).max(100).default(70) }).default({ urgentThreshold: 70 }),
  sla: Sla.default(SLA_DEFAULTS),
  spikes: SpikesSchema.default(SPIKE_DEFAULTS),
  playbook: Playbook,
  users: z
    .array(User)
    .refine((users) => {
      const ids = users.flatMap((u) => (u.slackUserId ? [u.slackUserId] : []));
      return new Set(ids).size === ids.length;
    }, 'two users share one slackUserId; a Slack member maps to one Earshot user')
    .default([]),
  approval: Approval.default({ approverRequiredWhen: { always: true }, twoApprovals: false }),
  /** The web inbox: undoSeconds is how long an approved reply waits (and can be undone) before it is sent. */
  inbox: strict({
    undoSeconds: z
      .number()
      .int()
      .min(0, 'use 0 to send at once')
      .max(60, 'at most 60 seconds; a longer wait delays every reply')
      .default(5),
    /** Reply length limits by source id or platform (a Mastodon instance above 500); see playbook/reply-limits.ts. */
    replyLimits: z.record(z.string().min(1), z.number().int().min(1).max(100_000)).default({}),
  }).default({ undoSeconds: 5, replyLimits: {} }),
  api: strict({
    host: z.string().default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    publicUrl: HttpUrl.optional(),
    /** Bearer token a Prometheus scraper on another host sends for /metrics; without it only loopback may scrape. */
    metricsToken: z.string().min(16, 'expected at least 16 characters; generate one with `openssl rand -hex 24`').optional(),
    trustProxy: TrustProxy.optional(),
    sessions: Sessions.default({ idle: 2 * 3_600_000, absolute: 12 * 3_600_000, maxLoginFailures: 5, loginWindow: 15 * 60_000 }),
  }).default({
    host: '127.0.0.1',
    port: 8080,
    sessions: { idle: 2 * 3_600_000, absolute: 12 * 3_600_000, maxLoginFailures: 5, loginWindow: 15 * 60_000 },
  }),
  redis: strict({
    url: z.string().optional(),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9{}_-]{1,32}$/, 'expected letters, digits, "_", "-" or a {hash tag}')
      .default('earshot'),
    dataDir: z.string().default('./data'),
  }).default({ prefix: 'earshot', dataDir: './data' }),
  database: strict({
    /** A managed or shared PostgreSQL; without it Earshot runs its own in dataDir (see postgres/embedded.ts). */
    url: z.string().optional(),
    dataDir: z.string().default('./data/postgres'),
    /** Connections per process; with many workers keep processes x pool under the server's max_connections. */
    pool: z.number().int().min(1).max(200).default(10),
  }).default({ dataDir: './data/postgres', pool: 10 }),
  retention: Duration.default(90 * 86_400_000),
  workers: strict({
    concurrency: z.number().int().min(1).max(64).default(4),
    lockDuration: Duration.default(30_000),
    stalledInterval: Duration.default(30_000),
    /** How long a stop (SIGTERM, Ctrl-C) may take; then Earshot exits anyway, and BullMQ hands unfinished jobs to the next start. */
    drainTimeout: Duration.default(30_000),
  }).default({ concurrency: 4, lockDuration: 30_000, stalledInterval: 30_000, drainTimeout: 30_000 }),
  log: strict({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /** Human-readable lines instead of JSON. Default: only in a terminal, never under systemd (JOURNAL_STREAM). */
    pretty: z.boolean().optional(),
  }).default({ level: 'info' }),
});

export type RawConfig = z.infer<typeof ConfigSchema>;
export type BrandConfig = z.infer<typeof Brand>;
export type SourceConfig = z.infer<typeof Source>;
export type ChatDestinationConfig = z.infer<typeof ChatDestination>;
export type PlaybookConfig = z.infer<typeof Playbook>;
export type UserConfig = z.infer<typeof User>;
export type ApprovalConfig = z.infer<typeof Approval>;
export type SlaConfig = z.infer<typeof Sla>;
export type BusinessHoursConfig = z.infer<typeof BusinessHours>;
