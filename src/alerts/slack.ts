import type { HttpClient } from '../http/client.js';
import { PermanentError, RateLimitedError, TransientError } from '../connectors/errors.js';
import { formatReach, shorten, type Alert, type EscalationAlert } from './message.js';

/** Slack mrkdwn: &, < and > are the only control characters; escaping them makes `<!channel>` and fake links inert. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A URL inside `<url|label>` must not carry the delimiters; anything not http(s) is dropped. */
export function safeLinkUrl(url: string | null): string | null {
  if (!url || !/^https?:\/\//i.test(url)) return null;
  return url.replace(/[<>|\s]/g, (c) => encodeURIComponent(c));
}

function quote(text: string): string {
  return escapeMrkdwn(shorten(text, 600))
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

function escalationBlocks(alert: EscalationAlert): unknown[] {
  const who = escapeMrkdwn(shorten(alert.author.name ? `${alert.author.name} (@${alert.author.handle})` : `@${alert.author.handle}`, 120));
  const authorUrl = safeLinkUrl(alert.author.url);
  const author = authorUrl ? `<${authorUrl}|${who}>` : who;
  const postUrl = safeLinkUrl(alert.postUrl);
  const header = `*Urgent (${alert.urgency}/100) · ${escapeMrkdwn(alert.brand)} · ${escapeMrkdwn(alert.platform)}*\n${author} · ${formatReach(alert.author.followers)}`;
  const reasons = alert.reasons.length ? alert.reasons.map((r) => escapeMrkdwn(r)).join(' · ') : 'no reasons recorded';
  const buttons: unknown[] = [{ type: 'button', action_id: 'open', text: { type: 'plain_text', text: 'Open in Earshot' }, url: alert.inboxUrl, style: 'primary' }];
  if (postUrl) buttons.push({ type: 'button', action_id: 'view_post', text: { type: 'plain_text', text: 'View post' }, url: postUrl });
  return [
    { type: 'section', text: { type: 'mrkdwn', text: `${header}\n${quote(alert.text)}` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Why: ${reasons}` }] },
    { type: 'actions', block_id: `item_${alert.itemId}`.slice(0, 255), elements: buttons },
  ];
}

export function slackPayload(alert: Alert): { text: string; blocks: unknown[] } {
  if (alert.kind === 'source') {
    const text = `Earshot source problem: ${alert.sourceId}`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: *Source needs attention: ${escapeMrkdwn(alert.sourceId)}*\n${escapeMrkdwn(shorten(alert.problem, 1500))}` } }] };
  }
  const fallback = `Urgent mention (${alert.urgency}/100) from @${alert.author.handle}: ${shorten(alert.text, 140)}`;
  return { text: escapeMrkdwn(fallback), blocks: escalationBlocks(alert) };
}

export async function sendSlack(http: HttpClient, webhookUrl: string, alert: Alert): Promise<void> {
  const res = await http.send({ method: 'POST', url: webhookUrl, json: slackPayload(alert), write: true, timeoutMs: 10_000 });
  if (res.status >= 200 && res.status < 300) return;
  const body = res.text.slice(0, 200);
  if (res.status === 429) {
    const after = Number(res.headers['retry-after'] ?? 30);
    throw new RateLimitedError(`Slack webhook rate limited (${body})`, new Date(Date.now() + (Number.isFinite(after) ? after : 30) * 1000));
  }
  if (res.status >= 500) throw new TransientError(`Slack webhook HTTP ${res.status}: ${body}`, res.status);
  throw new PermanentError(`Slack webhook refused the alert: HTTP ${res.status} ${body} (check chat[].webhookUrl)`, res.status);
}
