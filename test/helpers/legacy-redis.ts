import type { Redis } from 'ioredis';
import type { Mention } from '../../src/mention.js';
import type { TriageResult } from '../../src/triage-types.js';

/**
 * Writes records exactly as Earshot did before PostgreSQL (the store at commit de09574: keys.ts,
 * codec.ts, mentions.ts, inbox.ts, audit.ts, corrections.ts), so migrate-from-redis is tested
 * against that format and not against what the copy code expects. The encoders are vendored on
 * purpose: the running code may change its own, the old data on disk does not.
 */
function encodeMention(m: Mention): string {
  const a = m.author;
  const e = m.engagement;
  return JSON.stringify([
    m.platform,
    m.sourceId,
    m.brandId,
    m.nativeId,
    m.url,
    m.text,
    m.lang,
    m.createdAt,
    [a.id, a.handle, a.name, a.followers, a.url],
    m.inReplyToId,
    [e.replies, e.reposts, e.likes],
    m.rating,
    m.replyRef,
  ]);
}

function encodeTriage(t: TriageResult): string {
  return JSON.stringify([
    t.sentiment,
    t.score,
    t.sentimentConfidence,
    t.sentimentScored === false ? 0 : 1,
    t.complaint ? 1 : 0,
    t.complaintProbability,
    t.category,
    t.question ? 1 : 0,
    t.language,
    t.urgency,
    t.reasons,
  ]);
}

export class LegacyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs = 90 * 86_400_000,
  ) {}

  /** The old INGEST script, one mention: hash d/s, author profile and events, timeline. Older installs wrote the post as an object. */
  async ingest(m: Mention, options: { objectForm?: boolean } = {}): Promise<void> {
    const p = this.prefix;
    const ak = `${m.platform}:${m.author.id}`;
    const at = Date.parse(m.createdAt);
    const { id: _id, ...withoutId } = m;
    await this.redis
      .multi()
      .hset(`${p}:m:${m.id}`, 'd', options.objectForm ? JSON.stringify({ id: m.id, ...withoutId }) : encodeMention(m), 's', 'new')
      .pexpire(`${p}:m:${m.id}`, this.ttlMs)
      .zadd(`${p}:ae:${ak}`, at, `m:${m.id}`)
      .pexpire(`${p}:ae:${ak}`, this.ttlMs)
      .hset(
        `${p}:a:${ak}`,
        'handle',
        m.author.handle,
        'name',
        m.author.name,
        'platform',
        m.platform,
        'url',
        m.author.url ?? '',
        'followers',
        m.author.followers ?? -1,
        'lastSeen',
        at,
      )
      .hsetnx(`${p}:a:${ak}`, 'firstSeen', at)
      .hincrby(`${p}:a:${ak}`, 'mentions', 1)
      .pexpire(`${p}:a:${ak}`, this.ttlMs)
      .zadd(`${p}:timeline`, at, m.id)
      .exec();
  }

  async triage(id: string, t: TriageResult, stage = 'routed', options: { objectForm?: boolean } = {}): Promise<void> {
    await this.redis.hset(`${this.prefix}:m:${id}`, 't', options.objectForm ? JSON.stringify(t) : encodeTriage(t), 's', stage);
  }

  /** The old CREATE script: every field of the new item as a string, the id in the inbox sorted set. */
  async createItem(item: {
    id: string;
    brandId: string;
    sourceId: string;
    platform: string;
    priority: string;
    urgency: number;
    category: string;
    sentiment: string;
    createdAt: number;
    slaDueAt: number;
    draft: string;
    draftTemplate: string;
    draftWarnings: string[];
  }): Promise<void> {
    const now = Date.now();
    const fields = {
      ...item,
      draftWarnings: JSON.stringify(item.draftWarnings),
      status: 'new',
      routedAt: now,
      updatedAt: now,
      draftVersion: 1,
      draftEdited: 0,
    };
    await this.redis
      .multi()
      .hset(`${this.prefix}:item:${item.id}`, fields)
      .pexpire(`${this.prefix}:item:${item.id}`, this.ttlMs)
      .zadd(`${this.prefix}:inbox`, item.createdAt, item.id)
      .exec();
  }

  /** The old TRANSITION script: fields set on the hash and the audit entry XADDed. */
  async transition(
    id: string,
    set: Record<string, string | number>,
    actor: string,
    action: string,
    detail?: Record<string, unknown>,
  ): Promise<void> {
    await this.redis
      .multi()
      .hset(`${this.prefix}:item:${id}`, { ...set, updatedAt: Date.now() })
      .xadd(
        `${this.prefix}:audit`,
        'MAXLEN',
        '~',
        1_000_000,
        '*',
        'entry',
        JSON.stringify({ at: new Date().toISOString(), actor, action, itemId: id, ...(detail ? { detail } : {}) }),
      )
      .exec();
  }

  async audit(actor: string, action: string, itemId?: string, detail?: Record<string, unknown>): Promise<void> {
    await this.redis.xadd(
      `${this.prefix}:audit`,
      'MAXLEN',
      '~',
      1_000_000,
      '*',
      'entry',
      JSON.stringify({ at: new Date().toISOString(), actor, action, ...(itemId ? { itemId } : {}), ...(detail ? { detail } : {}) }),
    );
  }

  async replySent(platform: string, authorId: string, itemId: string, at: number): Promise<void> {
    const ak = `${platform}:${authorId}`;
    await this.redis.multi().zadd(`${this.prefix}:ae:${ak}`, at, `r:${itemId}`).hincrby(`${this.prefix}:a:${ak}`, 'replies', 1).exec();
  }

  async complaint(platform: string, authorId: string): Promise<void> {
    await this.redis.hincrby(`${this.prefix}:a:${platform}:${authorId}`, 'complaints', 1);
  }

  /** sources.ts and stream.ts of the Redis era: cursor strings and a heartbeat hash per source. */
  async source(id: string, cursor: string | null, streamCursor: string | null, state: Record<string, string | number>): Promise<void> {
    const multi = this.redis.multi().hset(`${this.prefix}:source:${id}`, state);
    if (cursor !== null) multi.set(`${this.prefix}:cursor:${id}`, cursor);
    if (streamCursor !== null) multi.set(`${this.prefix}:streamcursor:${id}`, streamCursor);
    await multi.exec();
  }

  /** Version 2 records carry v: 2; older ones have no v (their complaint: false is suspect). */
  async correction(
    c: {
      itemId: string;
      brandId: string;
      text: string;
      lang: string | null;
      labels: Record<string, unknown>;
      before: unknown;
      actor: string;
      at: string;
    },
    v?: number,
  ): Promise<void> {
    await this.redis
      .multi()
      .xadd(`${this.prefix}:corr:b:${c.brandId}`, 'MAXLEN', '~', 200_000, '*', 'c', JSON.stringify(v === undefined ? c : { ...c, v }))
      .sadd(`${this.prefix}:corr:brands`, c.brandId)
      .exec();
  }
}
