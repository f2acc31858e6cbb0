import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { PlaybookConfig } from '../../src/config/schema.js';
import type { Mention } from '../../src/mention.js';
import { Playbook } from '../../src/config/playbook.js';
import type { Category, TriageResult } from '../../src/triage-types.js';

/** The demo's own playbook (config/earshot.yaml), so tests check the drafts a new user sees. */
export function demoPlaybook(): PlaybookConfig {
  const raw = YAML.parse(readFileSync(path.resolve('config/earshot.yaml'), 'utf8')) as { playbook: unknown };
  return Playbook.parse(raw.playbook);
}

export const ACME = { id: 'acme', name: 'Acme Air', keywords: ['acme air'], handles: ['@AcmeAir'], hashtags: [] };

export function post(
  text: string,
  o: { name?: string; handle?: string; platform?: string; inReplyTo?: string | null; lang?: string } = {},
): Mention {
  return {
    id: 'm_0000000000000000000000',
    platform: o.platform ?? 'mastodon',
    sourceId: 's',
    brandId: 'acme',
    nativeId: '1',
    url: null,
    text,
    lang: o.lang ?? null,
    createdAt: '2026-11-20T10:00:00Z',
    author: { id: 'u1', handle: o.handle ?? 'raj@social.example', name: o.name ?? 'Raj', followers: 10, url: null },
    inReplyToId: o.inReplyTo ?? null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: {},
  };
}

export function triaged(category: Category, o: Partial<TriageResult> = {}): TriageResult {
  return {
    sentiment: 'negative',
    score: -0.5,
    sentimentConfidence: 0.8,
    complaint: true,
    complaintProbability: 0.8,
    irony: 0,
    category,
    question: false,
    language: 'en',
    urgency: 40,
    reasons: [],
    ...o,
  };
}
