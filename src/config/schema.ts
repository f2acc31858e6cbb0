import { z } from 'zod';
import { Duration, HttpUrl, Id } from './fields.js';

const Brand = z.object({
  id: Id,
  name: z.string().min(1),
  keywords: z.array(z.string().min(1)).default([]),
  handles: z.array(z.string().min(1)).default([]),
  hashtags: z.array(z.string().min(1)).default([]),
});

/** `options` is checked against the connector's own schema once the kind is known (see load.ts). */
const Source = z.object({
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
});

const SlackDestination = z.object({
  id: Id,
  kind: z.literal('slack'),
  webhookUrl: HttpUrl,
  minUrgency: z.number().int().min(0).max(100).optional(),
});
const ConsoleDestination = z.object({
  id: Id,
  kind: z.literal('console'),
  minUrgency: z.number().int().min(0).max(100).optional(),
});
const ChatDestination = z.discriminatedUnion('kind', [SlackDestination, ConsoleDestination]);

const Playbook = z.object({
  signature: z.string().default(''),
  templates: z
    .record(z.string(), z.string().min(1))
    .refine((t) => typeof t['default'] === 'string', { message: 'needs a "default" template used when no category matches' }),
  neverSay: z.array(z.string().min(1)).default([]),
  maxLength: z.number().int().positive().default(500),
});

export const Roles = ['viewer', 'responder', 'approver', 'admin'] as const;
export type Role = (typeof Roles)[number];

/** A token is given in plain (usually `${ENV_VAR}`) and hashed at load, or as `sha256:<hex>`. */
const User = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/, 'expected a user name of letters, digits, ".", "_" or "-"'),
    role: z.enum(Roles),
    token: z.string().min(12, 'tokens must be at least 12 characters; generate one with `earshot token`').optional(),
    tokenHash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected "sha256:" and 64 hex digits (see `earshot token`)').optional(),
  })
  .refine((u) => Boolean(u.token) !== Boolean(u.tokenHash), { message: 'give exactly one of token or tokenHash' });

export const ConfigSchema = z.object({
  brands: z.array(Brand).min(1, 'add at least one brand to listen for'),
  sources: z.array(Source).default([]),
  chat: z.array(ChatDestination).default([]),
  triage: z
    .object({ urgentThreshold: z.number().int().min(0).max(100).default(70) })
    .default({ urgentThreshold: 70 }),
  sla: z.object({ urgent: Duration.default(3_600_000), normal: Duration.default(86_400_000) }).default({
    urgent: 3_600_000,
    normal: 86_400_000,
  }),
  playbook: Playbook,
  users: z.array(User).default([]),
  api: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.coerce.number().int().min(0).max(65535).default(8080),
      publicUrl: HttpUrl.optional(),
    })
    .default({ host: '127.0.0.1', port: 8080 }),
  redis: z
    .object({
      url: z.string().optional(),
      prefix: z.string().regex(/^[A-Za-z0-9{}_-]{1,32}$/, 'expected letters, digits, "_", "-" or a {hash tag}').default('earshot'),
      dataDir: z.string().default('./data'),
    })
    .default({ prefix: 'earshot', dataDir: './data' }),
  retention: Duration.default(90 * 86_400_000),
  workers: z
    .object({
      concurrency: z.number().int().min(1).max(64).default(4),
      lockDuration: Duration.default(30_000),
      stalledInterval: Duration.default(30_000),
    })
    .default({ concurrency: 4, lockDuration: 30_000, stalledInterval: 30_000 }),
  log: z
    .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') })
    .default({ level: 'info' }),
});

export type RawConfig = z.infer<typeof ConfigSchema>;
export type BrandConfig = z.infer<typeof Brand>;
export type SourceConfig = z.infer<typeof Source>;
export type ChatDestinationConfig = z.infer<typeof ChatDestination>;
export type PlaybookConfig = z.infer<typeof Playbook>;
export type UserConfig = z.infer<typeof User>;
