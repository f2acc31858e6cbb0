import { z } from 'zod';
import { Id, PlatformUrl, PrivateNetwork } from './fields.js';
import { strict } from './strict.js';

/** Where alerts go: each chat kind with its own credentials, and the limits every kind shares. */
const MinUrgency = z.number().int().min(0).max(100).optional();
/**
 * Escalations sent one by one per minute; past it, the rest of that minute's urgent mentions
 * arrive as one digest. A complaint storm must not bury the channel (or hit the chat's own
 * rate limit, about one message a second for a Slack webhook). Default 20.
 */
const MaxPerMinute = z.number().int().min(1).max(10_000).optional();
const SlackDestination = strict({
  id: Id,
  kind: z.literal('slack'),
  webhookUrl: PlatformUrl,
  allowPrivateNetwork: PrivateNetwork,
  /** The Slack app's signing secret; with it, alerts carry Approve / Reject buttons (see /slack/interactivity). */
  signingSecret: z.string().min(16, "expected the Slack app's signing secret (Basic Information → App Credentials)").optional(),
  minUrgency: MinUrgency,
  maxPerMinute: MaxPerMinute,
  /** Optional bot token (chat:write) and channel id: spike alerts are then edited in place (chat.update), not reposted. */
  botToken: z
    .string()
    .regex(/^xoxb-[A-Za-z0-9-]{10,}$/, 'expected a Slack bot token "xoxb-…" (OAuth & Permissions)')
    .optional(),
  channel: z
    .string()
    .regex(/^[CGD][A-Z0-9]{2,20}$/, 'expected a Slack channel id like "C024BE91L"')
    .optional(),
  /** Slack's Web API base; only tests change it. */
  apiUrl: PlatformUrl.optional(),
});
/** A Power Automate "Workflows" webhook posting an Adaptive Card into a channel. */
const TeamsDestination = strict({
  id: Id,
  kind: z.literal('teams'),
  webhookUrl: PlatformUrl,
  allowPrivateNetwork: PrivateNetwork,
  minUrgency: MinUrgency,
  maxPerMinute: MaxPerMinute,
});
const DiscordDestination = strict({
  id: Id,
  kind: z.literal('discord'),
  webhookUrl: PlatformUrl,
  allowPrivateNetwork: PrivateNetwork,
  minUrgency: MinUrgency,
  maxPerMinute: MaxPerMinute,
});
/** Standard Webhooks v1: `whsec_` + base64 of 24–64 random bytes. */
const WebhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'expected "whsec_" followed by base64')
  .refine((s) => {
    const bytes = Buffer.from(s.slice('whsec_'.length), 'base64').length;
    return bytes >= 24 && bytes <= 64;
  }, 'the secret must decode to 24–64 bytes; generate one with `openssl rand -base64 32`');
const WebhookDestination = strict({
  id: Id,
  kind: z.literal('webhook'),
  webhookUrl: PlatformUrl,
  allowPrivateNetwork: PrivateNetwork,
  secret: WebhookSecret,
  minUrgency: MinUrgency,
  maxPerMinute: MaxPerMinute,
});
const ConsoleDestination = strict({
  id: Id,
  kind: z.literal('console'),
  minUrgency: MinUrgency,
  maxPerMinute: MaxPerMinute,
});
export const ChatDestination = z.discriminatedUnion('kind', [
  SlackDestination,
  TeamsDestination,
  DiscordDestination,
  WebhookDestination,
  ConsoleDestination,
]);
