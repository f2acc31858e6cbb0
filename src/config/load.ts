import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema, type RawConfig, type SourceConfig, type UserConfig } from './schema.js';
import { interpolateEnv } from './env.js';
import { formatPath } from './format.js';
import { urlRefusal, type OutboundPolicy } from '../http/policy.js';
import { redactText } from '../http/redact.js';
import { spikeConfigProblems } from './spikes.js';

export interface LoadedSource extends SourceConfig {
  /** Options after the connector's own schema parsed them (defaults applied). */
  parsedOptions: unknown;
}

export interface LoadedUser {
  name: string;
  role: UserConfig['role'];
  /** Null for a user who signs in with a password only. */
  tokenHash: string | null;
  passwordHash: string | null;
  /** Slack member id whose button clicks act as this user. */
  slackUserId: string | null;
}

export interface Config extends Omit<RawConfig, 'sources' | 'users'> {
  sources: LoadedSource[];
  users: LoadedUser[];
  /** Folder of the config file; relative paths in it are resolved from here. */
  baseDir: string;
  file: string;
  /** Config paths whose value came from environment variables, with the variables' names. */
  envRefs: ReadonlyMap<string, string[]>;
}

export class ConfigError extends Error {
  readonly problems: string[];

  constructor(
    readonly file: string,
    problems: string[],
  ) {
    // A problem can quote the offending value, and that value can be a webhook URL or a feed with ?token=.
    const shown = problems.map(redactText);
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the config:\n${shown.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.problems = shown;
    this.name = 'ConfigError';
  }
}

export function hashToken(token: string): string {
  return `sha256:${createHash('sha256').update(token).digest('hex')}`;
}

function zodProblems(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): string[] {
  return error.issues.map((issue) => `${formatPath([...prefix, ...issue.path])}: ${issue.message}`);
}

/**
 * What the config needs to know of each source kind to check its options. The connectors pass
 * themselves in (app/config.ts), so this floor never imports the platforms above it.
 */
export type SourceKinds = Readonly<
  Record<string, { optionsSchema: z.ZodType; checkOptions?(options: never, env: { baseDir: string }): string[] }>
>;

/** Reads, interpolates and validates the config file once. Everything else gets the result, never process.env. */
export function loadConfigWith(kinds: SourceKinds, file: string, env: Record<string, string | undefined>): Config {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (err) {
    throw new ConfigError(absolute, [
      `cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'}); pass --config <file> or set EARSHOT_CONFIG`,
    ]);
  }
  const doc = parseDocument(text);
  if (doc.errors.length) {
    throw new ConfigError(
      absolute,
      doc.errors.map((e) => `YAML syntax at line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  }
  return configFromObjectWith(kinds, doc.toJS(), env, absolute);
}

/** Validates an already-parsed config object (the YAML file's content, or one built in code). */
export function configFromObjectWith(kinds: SourceKinds, input: unknown, env: Record<string, string | undefined>, file: string): Config {
  const problems: string[] = [];
  const refs = new Map<string, string[]>();
  const interpolated = interpolateEnv(input, env, [], problems, refs);
  const parsed = ConfigSchema.safeParse(interpolated);
  if (!parsed.success) throw new ConfigError(file, [...problems, ...zodProblems(parsed.error)]);
  if (problems.length) throw new ConfigError(file, problems);
  // REDIS_URL is the conventional way to point a process at a shared Redis; the file may override it.
  if (!parsed.data.redis.url && env['REDIS_URL']) parsed.data.redis.url = env['REDIS_URL'];
  // DATABASE_URL likewise names a PostgreSQL that is not the embedded one (a managed service, PgBouncer).
  if (!parsed.data.database.url && env['DATABASE_URL']) parsed.data.database.url = env['DATABASE_URL'];
  // systemd sets JOURNAL_STREAM for a service whose output goes to the journal: JSON lines there, whatever the terminal.
  if (parsed.data.log.pretty === undefined && env['JOURNAL_STREAM']) parsed.data.log.pretty = false;
  return finish(kinds, parsed.data, file, refs);
}

function finish(kinds: SourceKinds, raw: RawConfig, file: string, envRefs: ReadonlyMap<string, string[]>): Config {
  const problems: string[] = [];
  checkUnique(
    raw.brands.map((b) => b.id),
    'brands',
    'id',
    problems,
  );
  checkUnique(
    raw.sources.map((s) => s.id),
    'sources',
    'id',
    problems,
  );
  checkUnique(
    raw.chat.map((c) => c.id),
    'chat',
    'id',
    problems,
  );
  checkUnique(
    raw.users.map((u) => u.name),
    'users',
    'name',
    problems,
  );
  const brandIds = new Set(raw.brands.map((b) => b.id));
  const sources = raw.sources.map((source, i) => loadSource(kinds, source, i, brandIds, path.dirname(file), problems));
  raw.chat.forEach((dest, i) => {
    if ('webhookUrl' in dest)
      problems.push(...urlProblems(dest.webhookUrl, ['chat', i, 'webhookUrl'], { allowPrivateNetwork: dest.allowPrivateNetwork }));
  });
  const users = loadUsers(raw.users, problems);
  if (raw.sla.escalateTo && !raw.chat.some((c) => c.id === raw.sla.escalateTo)) {
    problems.push(
      `sla.escalateTo: no chat destination with id "${raw.sla.escalateTo}"; use one of ${raw.chat.map((c) => c.id).join(', ') || '(none configured)'}`,
    );
  }
  problems.push(
    ...spikeConfigProblems(
      raw.spikes,
      raw.brands.map((b) => b.id),
      raw.chat,
    ),
  );
  if (problems.length) throw new ConfigError(file, problems);
  return { ...raw, sources, users, baseDir: path.dirname(file), file, envRefs };
}

/** One source with its connector's options parsed; what is wrong goes to `problems` under the source's path. */
function loadSource(
  kinds: SourceKinds,
  source: RawConfig['sources'][number],
  i: number,
  brandIds: ReadonlySet<string>,
  baseDir: string,
  problems: string[],
): LoadedSource {
  if (!brandIds.has(source.brand)) {
    problems.push(`sources[${i}].brand: no brand with id "${source.brand}"; use one of ${[...brandIds].join(', ')}`);
  }
  const connector = kinds[source.kind];
  if (!connector) {
    problems.push(`sources[${i}].kind: unknown source kind "${source.kind}"; known kinds: ${Object.keys(kinds).join(', ')}`);
    return { ...source, parsedOptions: {} };
  }
  const options = connector.optionsSchema.safeParse(source.options);
  if (!options.success) {
    problems.push(...zodProblems(options.error, ['sources', i, 'options']));
    return { ...source, parsedOptions: {} };
  }
  problems.push(...urlProblems(options.data, ['sources', i, 'options'], { allowPrivateNetwork: source.allowPrivateNetwork }));
  problems.push(...(connector.checkOptions?.(options.data as never, { baseDir }) ?? []).map((p) => `sources[${i}].options.${p}`));
  return { ...source, parsedOptions: options.data };
}

/** Users with their token hashed; two users sharing one token is refused (a token names exactly one person). */
function loadUsers(raw: RawConfig['users'], problems: string[]): LoadedUser[] {
  const users: LoadedUser[] = raw.map((u) => ({
    name: u.name,
    role: u.role,
    tokenHash: u.tokenHash ?? (u.token ? hashToken(u.token) : null),
    passwordHash: u.passwordHash ?? null,
    slackUserId: u.slackUserId ?? null,
  }));
  const byHash = new Map<string, string>();
  for (const user of users) {
    if (!user.tokenHash) continue;
    const other = byHash.get(user.tokenHash);
    if (other) problems.push(`users: "${user.name}" and "${other}" share one token; give each user its own`);
    byHash.set(user.tokenHash, user.name);
  }
  return users;
}

/**
 * Every URL inside a parsed value, checked against the outbound policy of its source or
 * destination: the schemas have checked the scheme already, this adds private addresses, which
 * only an `allowPrivateNetwork: true` next to them allows.
 */
function urlProblems(value: unknown, at: PropertyKey[], policy: OutboundPolicy): string[] {
  if (typeof value === 'string') {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return [];
    const why = urlRefusal(value, policy);
    return why ? [`${formatPath(at)}: must be a URL the outbound policy allows: ${JSON.stringify(value)} ${why}`] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => urlProblems(v, [...at, i], policy));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => urlProblems(v, [...at, k], policy));
  return [];
}

function checkUnique(values: string[], list: string, field: string, problems: string[]): void {
  const seen = new Map<string, number>();
  values.forEach((value, i) => {
    const first = seen.get(value);
    if (first !== undefined) problems.push(`${list}[${i}].${field}: "${value}" is already used by ${list}[${first}]; make it unique`);
    else seen.set(value, i);
  });
}
