import { Cluster, type Redis } from 'ioredis';

/**
 * Reading a Redis-only installation (Earshot before PostgreSQL) back: the key names and hash
 * fields that version wrote. Only this file and the copy in migrate-from-redis.ts know them; the
 * running store no longer uses these keys.
 */
export function legacyKeys(prefix: string) {
  return {
    mentions: `${prefix}:m:`,
    authors: `${prefix}:a:`,
    authorEvents: `${prefix}:ae:`,
    items: `${prefix}:item:`,
    inbox: `${prefix}:inbox`,
    timeline: `${prefix}:timeline`,
    audit: `${prefix}:audit`,
    cursors: `${prefix}:cursor:`,
    streamCursors: `${prefix}:streamcursor:`,
    sourceStates: `${prefix}:source:`,
    correctionBrands: `${prefix}:corr:brands`,
    corrections: (brandId: string) => `${prefix}:corr:b:${brandId}`,
  };
}
export type LegacyKeys = ReturnType<typeof legacyKeys>;

/** SCAN's MATCH is a glob; a prefix such as `{earshot}` is literal text, so its glob characters are escaped. */
export function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Every key starting with `start`, a batch at a time, by SCAN (never KEYS, which blocks the
 * server for the whole keyspace). On a cluster each primary is scanned. SCAN may return a key
 * twice; the copy is idempotent, so that costs a repeat write, nothing else.
 */
export async function* scanKeys(redis: Redis, start: string, count = 500): AsyncGenerator<string[]> {
  const nodes: Redis[] = (redis as unknown) instanceof Cluster ? (redis as unknown as Cluster).nodes('master') : [redis];
  const match = `${globLiteral(start)}*`;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', count);
      cursor = next;
      if (keys.length) yield keys;
    } while (cursor !== '0');
  }
}

/** A stream's entries oldest first, a page at a time: [entry id, field/value list]. */
export async function* streamPages(redis: Redis, key: string, count = 1000): AsyncGenerator<Array<[string, string[]]>> {
  let start = '-';
  for (;;) {
    const page = (await redis.xrange(key, start, '+', 'COUNT', count)) as Array<[string, string[]]>;
    if (page.length) yield page;
    const last = page.at(-1);
    if (!last || page.length < count) return;
    start = `(${last[0]}`;
  }
}

export function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** An inbox item as the Redis store kept it: a flat hash of strings, '' for "none". */
export interface LegacyItem {
  id: string;
  brandId: string;
  sourceId: string;
  platform: string;
  priority: string;
  status: string;
  urgency: number;
  category: string;
  sentiment: string;
  createdAt: number;
  routedAt: number;
  updatedAt: number;
  slaDueAt: number;
  draft: string;
  draftTemplate: string;
  draftWarnings: string;
  draftVersion: number;
  draftEdited: boolean;
  approvals: number;
  assignee: string | null;
  approvedBy: string | null;
  approvedAt: number | null;
  replyId: string | null;
  replyUrl: string | null;
  postedAt: number | null;
  lastError: string | null;
  rejectReason: string | null;
  snoozedUntil: number | null;
  firstApprovedBy: string | null;
  firstApprovedVersion: number | null;
}

const num = (v: string | undefined, fallback = 0): number =>
  v === undefined || v === '' || !Number.isFinite(Number(v)) ? fallback : Number(v);
const maybeNum = (v: string | undefined): number | null => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));
const maybeText = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);

/** The old decodeItem's rules: numbers as text, '' for null, draftWarnings as a JSON string, draftEdited '1'. */
export function legacyItem(raw: Record<string, string>): LegacyItem | null {
  const id = raw['id'];
  const status = raw['status'];
  if (!id || !status) return null;
  let warnings = raw['draftWarnings'] || '[]';
  try {
    if (!Array.isArray(JSON.parse(warnings))) warnings = '[]';
  } catch {
    warnings = '[]';
  }
  const createdAt = num(raw['createdAt']);
  const routedAt = num(raw['routedAt'], createdAt);
  return {
    id,
    status,
    brandId: raw['brandId'] ?? '',
    sourceId: raw['sourceId'] ?? '',
    platform: raw['platform'] ?? '',
    priority: raw['priority'] === 'urgent' ? 'urgent' : 'normal',
    urgency: Math.round(num(raw['urgency'])),
    category: raw['category'] ?? 'other',
    sentiment: raw['sentiment'] ?? 'neutral',
    createdAt,
    routedAt,
    updatedAt: num(raw['updatedAt'], routedAt),
    slaDueAt: num(raw['slaDueAt'], createdAt),
    draft: raw['draft'] ?? '',
    draftTemplate: raw['draftTemplate'] ?? '',
    draftWarnings: warnings,
    draftVersion: Math.max(1, Math.round(num(raw['draftVersion'], 1))),
    draftEdited: raw['draftEdited'] === '1',
    approvals: Math.round(num(raw['approvals'])),
    assignee: maybeText(raw['assignee']),
    approvedBy: maybeText(raw['approvedBy']),
    approvedAt: maybeNum(raw['approvedAt']),
    replyId: maybeText(raw['replyId']),
    replyUrl: maybeText(raw['replyUrl']),
    postedAt: maybeNum(raw['postedAt']),
    lastError: maybeText(raw['lastError']),
    rejectReason: maybeText(raw['rejectReason']),
    snoozedUntil: maybeNum(raw['snoozedUntil']),
    firstApprovedBy: maybeText(raw['firstApprovedBy']),
    firstApprovedVersion: maybeNum(raw['firstApprovedVersion']),
  };
}

/** A source's heartbeat hash (`source:<id>`) as columns of the sources table; numbers as text, flags '1'/'0'. */
export function legacySourceState(raw: Record<string, string>): Record<string, unknown> {
  return {
    pause_until: num(raw['pauseUntil']),
    last_success_at: num(raw['lastSuccessAt']),
    last_item_at: num(raw['lastItemAt']),
    error_streak: Math.round(num(raw['errorStreak'])),
    last_error: raw['lastError'] ?? '',
    last_error_detail: raw['lastErrorDetail'] ?? raw['lastError'] ?? '',
    last_error_at: num(raw['lastErrorAt']),
    healthy: raw['healthy'] !== '0',
    stopped_reason: raw['stoppedReason'] ?? '',
    // A stream connection is the old process's; the new one reports its own when it connects.
    stream_connected: false,
    stream_at: num(raw['streamAt']),
    stream_error: raw['streamError'] ?? '',
    stream_error_detail: raw['streamErrorDetail'] ?? raw['streamError'] ?? '',
    quiet_alerted_for: maybeNum(raw['quietAlertedFor']),
  };
}

/** A person's profile hash (`a:<platform>:<id>`); followers -1 meant "unknown". */
export interface LegacyAuthor {
  platform: string;
  nativeId: string;
  handle: string;
  name: string;
  url: string | null;
  followers: number | null;
  firstSeen: number;
  lastSeen: number;
  complaints: number;
  replies: number;
}

export function legacyAuthor(authorKey: string, raw: Record<string, string>): LegacyAuthor | null {
  // The key is `<platform>:<author id>`; platform names have no colon, author ids may.
  const colon = authorKey.indexOf(':');
  if (colon <= 0 || !raw['handle']) return null;
  const platform = raw['platform'] || authorKey.slice(0, colon);
  const lastSeen = num(raw['lastSeen']);
  const followers = maybeNum(raw['followers']);
  return {
    platform,
    nativeId: authorKey.slice(colon + 1),
    handle: raw['handle'],
    name: raw['name'] ?? raw['handle'],
    url: maybeText(raw['url']),
    followers: followers === null || followers < 0 ? null : Math.round(followers),
    firstSeen: num(raw['firstSeen'], lastSeen),
    lastSeen,
    complaints: Math.round(num(raw['complaints'])),
    replies: Math.round(num(raw['replies'])),
  };
}

/** What there is to copy, for the progress bar: one SCAN pass over the prefix, plus the streams' lengths. */
export async function countLegacy(redis: Redis, keys: LegacyKeys, prefix: string): Promise<number> {
  const families = [keys.mentions, keys.authors, keys.authorEvents, keys.items, keys.sourceStates];
  let n = 0;
  for await (const batch of scanKeys(redis, `${prefix}:`, 1000)) for (const k of batch) if (families.some((f) => k.startsWith(f))) n += 1;
  n += await redis.xlen(keys.audit);
  for (const brandId of await redis.smembers(keys.correctionBrands)) n += await redis.xlen(keys.corrections(brandId));
  return n;
}
