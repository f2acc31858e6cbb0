import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { toMention, type Mention } from '../../src/mention.js';
import { createItems, type Priority } from '../../src/store/inbox.js';
import { ingestMentions, saveTriage } from '../../src/store/mentions.js';
import type { TriageResult } from '../../src/triage-types.js';
import { testApp, TOKENS, type TestApp } from './app.js';

// The API test files' shared setup: one app with a listed file source, its fastify server, and
// items seeded through the real store functions.

export type Role = keyof typeof TOKENS;
export const HOUR = 3_600_000;

export interface SeedOptions {
  nativeId: string;
  text: string;
  priority: Priority;
  urgency: number;
  slaInMs: number;
  sourceId: string;
  author?: string;
  category?: TriageResult['category'];
  createdAt?: string;
  reasons?: string[];
  item?: boolean;
}

export interface ApiServer {
  readonly app: TestApp;
  readonly server: FastifyInstance;
  /** Stores a mention, its triage and (unless item: false) its inbox item through the real store functions. */
  seed(o: SeedOptions): Promise<Mention>;
  as(role: Role | null, opts: InjectOptions): Promise<LightMyRequestResponse>;
  publishJobsFor(itemId: string): Promise<Array<{ data: unknown }>>;
  /** One item per mutation test, so tests do not depend on each other's order. */
  freshItem(): Promise<string>;
}

/** A file source's path must exist; this source is listed, never polled. */
function emptyFeedFile(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'earshot-api-')), 'mentions.jsonl');
  writeFileSync(file, '');
  return file;
}

/** Starts the app and server before the file's tests and closes them after. */
export function useApiServer(): ApiServer {
  let app: TestApp | undefined;
  let server: FastifyInstance | undefined;
  let counter = 0;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is used before beforeAll started it`);
    return value;
  };
  beforeAll(async () => {
    app = await testApp({
      sources: [{ id: 'feed', kind: 'file', brand: 'acme', interval: '30s', options: { path: emptyFeedFile() } }],
    });
    server = await buildServer(app.ctx);
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
  });
  const api: ApiServer = {
    get app() {
      return ready(app, 'the test app');
    },
    get server() {
      return ready(server, 'the server');
    },
    seed: (o) => seed(api.app, o),
    as(role, opts) {
      const headers = { ...(opts.headers ?? {}), ...(role ? { authorization: `Bearer ${TOKENS[role]}` } : {}) };
      return api.server.inject({ ...opts, headers });
    },
    async publishJobsFor(itemId) {
      const jobs = await api.app.ctx.queues.publish.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
      return jobs.filter((j) => (j.data as { itemId?: string }).itemId === itemId);
    },
    async freshItem() {
      counter += 1;
      const m = await api.seed({
        nativeId: `act-${counter}`,
        text: `delayed again ${counter}`,
        priority: 'normal',
        urgency: 40,
        slaInMs: 5 * HOUR,
        sourceId: 'act',
      });
      return m.id;
    },
  };
  return api;
}

/** Stores a mention, its triage and (unless item: false) its inbox item through the real store functions. */
async function seed(app: TestApp, o: SeedOptions): Promise<Mention> {
  const author = o.author ?? 'someone';
  const built = toMention({
    platform: 'mastodon',
    sourceId: o.sourceId,
    brandId: 'acme',
    nativeId: o.nativeId,
    url: `https://social.example/@${author}/${o.nativeId}`,
    text: o.text,
    lang: 'en',
    createdAt: o.createdAt ?? new Date().toISOString(),
    author: { id: `id-${author}`, handle: author, name: `${author} name`, followers: 1200, url: `https://social.example/@${author}` },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: { statusId: o.nativeId },
  });
  if (!built.ok) throw new Error(built.reason);
  const { mention } = built;
  const { ctx } = app;
  const category = o.category ?? 'other';
  const triage: TriageResult = {
    sentiment: 'negative',
    score: -0.6,
    sentimentConfidence: 0.8,
    complaint: true,
    complaintProbability: 0.9,
    category,
    question: false,
    language: 'en',
    urgency: o.urgency,
    reasons: o.reasons ?? ['complaint about the service'],
  };
  await ingestMentions(ctx.db, [mention]);
  await saveTriage(ctx.db, [{ id: mention.id, triage }]);
  if (o.item === false) return mention;
  await createItems(ctx, [
    {
      id: mention.id,
      brandId: 'acme',
      sourceId: o.sourceId,
      platform: 'mastodon',
      priority: o.priority,
      urgency: o.urgency,
      category,
      sentiment: 'negative',
      createdAt: Date.parse(mention.createdAt),
      slaDueAt: Date.now() + o.slaInMs,
      draft: `Hi ${author}, sorry about that. We are looking into it.`,
      draftTemplate: 'default',
      draftWarnings: [],
    },
  ]);
  return mention;
}
