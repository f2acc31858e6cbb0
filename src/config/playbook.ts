import { z } from 'zod';
import { Duration, Id, PlatformUrl } from './fields.js';
import { strict } from './strict.js';

/**
 * The playbook: how the brand answers. One template per category still works (the
 * `templates` map, also the baseline `npm run eval:drafts` compares with); `snippets` lets the
 * composer build a reply by situation, per language (see src/drafts/composer.ts and the README).
 */

const Text = z.string().min(1);

/** What the category (or a topic) does: say something, then maybe ask for a detail, which is skipped when the person already gave it. */
const Action = z.union([
  Text.transform((say) => ({ say, ask: undefined, asks: undefined, answer: undefined })),
  strict({
    say: Text,
    /** A request for a detail ("DM us your booking reference"); left out when the person already gave it. */
    ask: Text.optional(),
    /** Which detail `ask` asks for: booking, order, flight, ticket, email, phone, details. */
    asks: z.string().min(1).optional(),
    /** A straight answer for questions on this topic, put first. */
    answer: Text.optional(),
  }).transform((a) => ({ say: a.say, ask: a.ask, asks: a.asks, answer: a.answer })),
]);
export type ActionSnippet = z.output<typeof Action>;

/** A narrower situation than the category, recognised by words in the post ("stroller", "snapped", "fee"). */
const Topic = strict({
  id: Id,
  /** Words or phrases (whole words, any case; `*` at the end matches any ending: "damag*"). */
  when: z.array(Text).min(1),
  /** Only for posts triage put in one of these categories; any category when left out. */
  categories: z.array(Text).optional(),
  say: Text,
  ask: Text.optional(),
  asks: z.string().min(1).optional(),
  answer: Text.optional(),
});
export type TopicSnippet = z.output<typeof Topic>;

const Snippets = strict({
  greeting: Text.default('Hi {name},'),
  /** When the author has no usable name. */
  greetingNoName: Text.optional(),
  /** Repeat contact; {ordinal} is "second", "third"... counted from their history or what they wrote. */
  repeatContact: Text.optional(),
  /** They already sent the detail we would ask for; {given} names it. Replaces the ask. */
  alreadySent: Text.optional(),
  thanks: Text.optional(),
  /** Questions with no answer in the playbook: a plain "here is what happens next", never "good question!". */
  question: Text.optional(),
  /** Sarcasm or irony: no cheerfulness, name the problem plainly. */
  sarcasm: Text.optional(),
  /** Holding replies: a person takes it from here; nothing is asked or promised. */
  escalation: strict({ legal: Text.optional(), press: Text.optional(), safety: Text.optional() }).default({}),
  actions: z.record(z.string(), Action).default({}),
  topics: z.array(Topic).default([]),
  signature: z.string().optional(),
  /** Names of the details {given} can name, in this language ("your booking reference"). */
  details: z.record(z.string(), Text).default({}),
  /** Ordinals for repeat contact, from "second" on. */
  ordinals: z.array(Text).default([]),
});
export type SnippetSet = z.output<typeof Snippets>;

const Saved = strict({ id: Id, title: Text, text: Text, language: z.string().min(2).max(8).optional() });

/** An OpenAI-compatible chat-completions endpoint for one brand (Ollama, llama.cpp, vLLM, LM Studio, OpenAI, Azure). */
const Model = strict({
  /** Up to and including /v1, e.g. http://127.0.0.1:11434/v1 for Ollama. */
  baseUrl: PlatformUrl,
  model: Text,
  /** Put it in the environment: apiKey: ${OPENAI_API_KEY}. Never logged or shown. */
  apiKey: z.string().optional(),
  timeout: Duration.default(20_000),
  /** Extra tries after a 429 or 5xx, with backoff (honouring Retry-After). */
  retries: z.number().int().min(0).max(5).default(2),
  /** Requests per minute at most; past it the composer's draft stands. */
  perMinute: z.number().int().min(1).max(10_000).default(30),
  /** Answers kept in memory, by prompt, so a re-draft of the same post costs nothing. */
  cacheSize: z.number().int().min(0).max(10_000).default(200),
  temperature: z.number().min(0).max(2).default(0.3),
  /** Lets a model server on the local network (10.x, 192.168.x) be reached; loopback needs nothing. */
  allowPrivateNetwork: z.boolean().default(false),
});
export type ModelConfig = z.output<typeof Model>;

export const Playbook = strict({
  signature: z.string().default(''),
  templates: z
    .record(z.string(), z.string().min(1))
    .refine((t) => typeof t['default'] === 'string', { message: 'needs a "default" template used when no category matches' }),
  neverSay: z.array(z.string().min(1)).default([]),
  maxLength: z.number().int().positive().default(500),
  /** The language the templates are written in, and the one used when the post's has no snippets. */
  language: z.string().min(2).max(8).default('en'),
  /** Snippets by language code (en, es, de, fr...). */
  snippets: z.record(z.string(), Snippets).default({}),
  savedReplies: z.array(Saved).default([]),
  /** For the model's prompt: how the brand sounds, what is true, what to do and never do. */
  voice: z.string().default(''),
  facts: z.array(Text).default([]),
  do: z.array(Text).default([]),
  dont: z.array(Text).default([]),
  /** Domains a reply may link to (subdomains included) and @handles it may name; anything else is a warning. */
  allowLinks: z.array(Text).default([]),
  allowHandles: z.array(Text).default([]),
  /** Models by brand id; a brand without one is drafted offline only. */
  models: z.record(z.string(), Model).default({}),
});
