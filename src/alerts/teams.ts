import { PermanentError, RateLimitedError, TransientError } from '../http/errors.js';
import type { HttpClient } from '../http/client.js';
import { digestText, formatReach, headline, retryAt, shorten, type Alert, type DigestAlert, type EscalationAlert } from './message.js';

/**
 * TextBlock renders a CommonMark subset (bold, italic, lists, links) plus {{DATE()}} templating.
 * Backslash-escaping the characters that open those constructs keeps a post's text literal.
 */
export function escapeTeamsMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\\*_[\]`~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-+#>])/gm, '$1\\$2')
    .replace(/^(\s*\d+)\./gm, '$1\\.')
    .replace(/\{\{/g, '{\u200b{');
}

function httpUrl(url: string | null): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

const text = (value: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text: value, wrap: true, ...extra });

function escalationCard(alert: EscalationAlert): { body: unknown[]; actions: unknown[] } {
  const who = alert.author.name ? `${alert.author.name} (@${alert.author.handle})` : `@${alert.author.handle}`;
  const body: unknown[] = [
    text(escapeTeamsMarkdown(`${headline(alert)} · ${alert.brand} · ${alert.platform}`), { weight: 'Bolder', size: 'Medium' }),
    text(`${escapeTeamsMarkdown(shorten(who, 120))} · ${formatReach(alert.author.followers)}`, { isSubtle: true, spacing: 'None' }),
    text(escapeTeamsMarkdown(shorten(alert.text, 1500))),
    {
      type: 'FactSet',
      facts: [
        { title: 'Urgency', value: `${alert.urgency}/100` },
        { title: 'Category', value: escapeTeamsMarkdown(alert.category) },
        { title: 'Why', value: escapeTeamsMarkdown(alert.reasons.join(' · ') || 'no reasons recorded') },
      ],
    },
  ];
  if (alert.draft)
    body.push(
      text(`Draft reply (v${alert.draftVersion})`, { weight: 'Bolder' }),
      text(escapeTeamsMarkdown(shorten(alert.draft, 1500)), { isSubtle: true }),
    );
  if (alert.draftWarnings.length)
    body.push(text(escapeTeamsMarkdown(`Playbook warnings: ${alert.draftWarnings.join(' · ')}`), { color: 'Warning' }));
  // A Workflows webhook has no bot behind it, so Action.Submit could not reach us: approval happens in the inbox.
  const actions: unknown[] = [{ type: 'Action.OpenUrl', title: 'Review and approve', url: alert.inboxUrl }];
  const postUrl = httpUrl(alert.postUrl);
  if (postUrl) actions.push({ type: 'Action.OpenUrl', title: 'View post', url: postUrl });
  return { body, actions };
}

function digestCard(alert: DigestAlert): { body: unknown[]; actions: unknown[] } {
  const d = digestText(alert);
  const body = [
    text(escapeTeamsMarkdown(d.title), { weight: 'Bolder', color: 'Attention' }),
    ...d.lines.map((l) => text(escapeTeamsMarkdown(l.text))),
    text(escapeTeamsMarkdown(d.note), { isSubtle: true }),
  ];
  return { body, actions: [{ type: 'Action.OpenUrl', title: 'Open the queue', url: alert.inboxUrl }] };
}

/** The Workflows "Send webhook alerts to a channel" envelope around one Adaptive Card 1.4. */
export function teamsPayload(alert: Alert): unknown {
  const card =
    alert.kind === 'digest'
      ? digestCard(alert)
      : alert.kind === 'source'
        ? {
            body: [
              text(escapeTeamsMarkdown(`Source needs attention: ${alert.sourceId}`), { weight: 'Bolder', color: 'Attention' }),
              text(escapeTeamsMarkdown(shorten(alert.problem, 1500))),
            ],
            actions: [{ type: 'Action.OpenUrl', title: 'Open Earshot', url: alert.inboxUrl }],
          }
        : escalationCard(alert);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', ...card },
      },
    ],
  };
}

/** Workflows answers 202 (legacy connectors 200); errors are mapped like Slack's. */
export async function sendTeams(http: HttpClient, webhookUrl: string, alert: Alert): Promise<void> {
  const res = await http.send({ method: 'POST', url: webhookUrl, json: teamsPayload(alert), write: true, timeoutMs: 15_000 });
  if (res.status >= 200 && res.status < 300) return;
  const body = res.text.slice(0, 200);
  if (res.status === 429) throw new RateLimitedError(`Teams webhook rate limited (${body})`, retryAt(res.headers, 30));
  if (res.status >= 500) throw new TransientError(`Teams webhook HTTP ${res.status}: ${body}`, res.status);
  throw new PermanentError(`Teams webhook refused the alert: HTTP ${res.status} ${body} (check chat[].webhookUrl)`, res.status);
}
