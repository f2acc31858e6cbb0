import { PermanentError, RateLimitedError, TransientError } from '../http/errors.js';
import type { HttpClient, HttpResponse } from '../http/client.js';
import { digestText, formatReach, headline, retryAt, shorten, type Alert, type DigestAlert, type EscalationAlert } from './message.js';

/**
 * Discord markdown: a backslash makes any of these literal, including `<@id>` / `<#id>` mention
 * syntax and masked links. `@everyone` / `@here` have no markdown, so a zero-width space breaks
 * them (allowed_mentions already stops the ping; this stops them even looking like one).
 */
export function escapeDiscord(text: string): string {
  return (
    text
      .replace(/[\\*_~`|>[\]()<#-]/g, (c) => `\\${c}`)
      // Numbered lists ("1. ") are the one construct that starts with no escapable character.
      .replace(/^(\s*\d+)\./gm, '$1\\.')
      .replace(/@(everyone|here)/gi, '@\u200b$1')
  );
}

const RED = 0xd92d20;
const AMBER = 0xf79009;
const BLUE = 0x2e90fa;

/** Only http(s), and without the characters that could end a `[label](url)` early and start a new link. */
function httpUrl(url: string | null): string | undefined {
  if (!url || !/^https?:\/\//i.test(url)) return undefined;
  // encodeURIComponent leaves ( and ) alone, so percent-encode by hand.
  return url.replace(/[()[\]<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function escalationEmbed(alert: EscalationAlert): Record<string, unknown> {
  const who = alert.author.name ? `${alert.author.name} (@${alert.author.handle})` : `@${alert.author.handle}`;
  const fields = [
    { name: 'Reach', value: formatReach(alert.author.followers), inline: true },
    { name: 'Category', value: escapeDiscord(shorten(alert.category, 100)), inline: true },
    { name: 'Why', value: escapeDiscord(shorten(alert.reasons.join(' · ') || 'no reasons recorded', 1000)) },
  ];
  if (alert.draft) fields.push({ name: `Draft reply (v${alert.draftVersion})`, value: escapeDiscord(shorten(alert.draft, 1000)) });
  if (alert.draftWarnings.length)
    fields.push({ name: 'Playbook warnings', value: escapeDiscord(shorten(alert.draftWarnings.join(' · '), 1000)) });
  // Webhooks we do not own as an application cannot carry buttons: the title and a field link to the item.
  fields.push({ name: 'Review and approve', value: `[Open in Earshot](${alert.inboxUrl})` });
  const postUrl = httpUrl(alert.postUrl);
  if (postUrl) fields.push({ name: 'Post', value: `[View post](${postUrl})` });
  return {
    // Embed titles are not markdown; the limit is 256 characters.
    title: shorten(`${headline(alert)} · ${alert.brand} · ${alert.platform}`, 256),
    url: alert.inboxUrl,
    description: escapeDiscord(shorten(alert.text, 3500)),
    color: alert.sla?.stage === 'breach' || !alert.sla ? RED : AMBER,
    author: { name: shorten(who, 256), ...(httpUrl(alert.author.url) ? { url: httpUrl(alert.author.url) } : {}) },
    fields,
    timestamp: alert.createdAt,
    footer: { text: 'Earshot' },
  };
}

function digestEmbed(alert: DigestAlert): Record<string, unknown> {
  const d = digestText(alert);
  const lines = d.lines.map((l) => `• ${escapeDiscord(l.text)}`).join('\n');
  return {
    title: shorten(d.title, 256),
    url: alert.inboxUrl,
    description: shorten(`${lines}\n\n${escapeDiscord(d.note)}`, 4000),
    color: RED,
    timestamp: alert.window,
    footer: { text: 'Earshot' },
  };
}

export function discordPayload(alert: Alert): Record<string, unknown> {
  const embed =
    alert.kind === 'digest'
      ? digestEmbed(alert)
      : alert.kind === 'source'
        ? {
            title: shorten(`Source needs attention: ${alert.sourceId}`, 256),
            url: alert.inboxUrl,
            description: escapeDiscord(shorten(alert.problem, 3500)),
            color: BLUE,
            timestamp: alert.at,
          }
        : escalationEmbed(alert);
  // parse: [] — no @everyone, role or user ping can come out of an alert, whatever a post says.
  return { allowed_mentions: { parse: [] }, embeds: [embed] };
}

/** Discord's 429 carries `retry_after` (float seconds) in the body and Retry-After in the headers. */
function rateLimitedUntil(res: HttpResponse, now: number): Date {
  try {
    const body = JSON.parse(res.text) as { retry_after?: unknown };
    if (typeof body.retry_after === 'number' && Number.isFinite(body.retry_after) && body.retry_after >= 0) {
      return new Date(now + Math.ceil(body.retry_after * 1000));
    }
  } catch {
    // Not JSON (a proxy in between): the header decides.
  }
  return retryAt(res.headers, 5, now);
}

export async function sendDiscord(http: HttpClient, webhookUrl: string, alert: Alert, now: () => number = Date.now): Promise<void> {
  // wait=true turns the fire-and-forget 204 into a 200 with the message, so a refusal is never silent.
  const res = await http.send({
    method: 'POST',
    url: webhookUrl,
    query: { wait: 'true' },
    json: discordPayload(alert),
    write: true,
    timeoutMs: 15_000,
  });
  if (res.status >= 200 && res.status < 300) return;
  const body = res.text.slice(0, 200);
  if (res.status === 429) throw new RateLimitedError(`Discord webhook rate limited (${body})`, rateLimitedUntil(res, now()));
  // A deleted webhook stays deleted, and Discord bans addresses that keep hitting 404s: never retry.
  if (res.status === 404)
    throw new PermanentError(`Discord webhook not found (HTTP 404): it was deleted; create a new one and update chat[].webhookUrl`, 404);
  if (res.status >= 500) throw new TransientError(`Discord webhook HTTP ${res.status}: ${body}`, res.status);
  throw new PermanentError(`Discord webhook refused the alert: HTTP ${res.status} ${body} (check chat[].webhookUrl)`, res.status);
}
