import type { HttpClient } from '../http/client.js';
import { PermanentError, RateLimitedError, TransientError } from '../http/errors.js';
import { digestText, formatReach, headline, shorten, type Alert, type DigestAlert, type EscalationAlert } from './message.js';

/** Slack mrkdwn: &, < and > are the only control characters; escaping them makes `<!channel>` and fake links inert. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A URL inside `<url|label>` must not carry the delimiters; anything not http(s) is dropped. */
export function safeLinkUrl(url: string | null): string | null {
  if (!url || !/^https?:\/\//i.test(url)) return null;
  return url.replace(/[<>|\s]/g, (c) => encodeURIComponent(c));
}

/** Button `value` for approve/reject: the item and the exact draft version the person saw. */
export function approvalValue(itemId: string, draftVersion: number): string {
  return `${itemId}:${draftVersion}`;
}

export function parseApprovalValue(value: string): { itemId: string; draftVersion: number } | null {
  const match = /^([A-Za-z0-9_-]{1,64}):(\d{1,9})$/.exec(value);
  return match ? { itemId: match[1] as string, draftVersion: Number(match[2]) } : null;
}

function quote(text: string): string {
  return escapeMrkdwn(shorten(text, 600))
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

/**
 * Approve and Reject post to our /slack/interactivity endpoint, which only works when the
 * destination has the app's signing secret. Edit is a link: a modal would need a bot token.
 */
function actionButtons(alert: EscalationAlert, interactive: boolean): unknown[] {
  const value = approvalValue(alert.itemId, alert.draftVersion);
  const postUrl = safeLinkUrl(alert.postUrl);
  const buttons: unknown[] = [];
  // A draft with playbook warnings needs an explicit acknowledgement, which only the inbox asks for.
  if (interactive && alert.draftWarnings.length === 0) {
    buttons.push({ type: 'button', action_id: 'approve', value, style: 'primary', text: { type: 'plain_text', text: 'Approve' } });
  }
  buttons.push({
    type: 'button',
    action_id: 'edit',
    url: alert.inboxUrl,
    text: { type: 'plain_text', text: interactive ? 'Edit' : 'Open in Earshot' },
  });
  if (interactive) {
    const confirm = {
      title: { type: 'plain_text', text: 'Reject this draft?' },
      text: { type: 'plain_text', text: 'No reply will be posted.' },
      confirm: { type: 'plain_text', text: 'Reject' },
      deny: { type: 'plain_text', text: 'Cancel' },
    };
    buttons.push({ type: 'button', action_id: 'reject', value, style: 'danger', text: { type: 'plain_text', text: 'Reject' }, confirm });
  }
  if (postUrl) buttons.push({ type: 'button', action_id: 'view_post', text: { type: 'plain_text', text: 'View post' }, url: postUrl });
  return buttons;
}

function escalationBlocks(alert: EscalationAlert, interactive: boolean): unknown[] {
  const who = escapeMrkdwn(shorten(alert.author.name ? `${alert.author.name} (@${alert.author.handle})` : `@${alert.author.handle}`, 120));
  const authorUrl = safeLinkUrl(alert.author.url);
  const author = authorUrl ? `<${authorUrl}|${who}>` : who;
  const header = `*${escapeMrkdwn(headline(alert))} · ${escapeMrkdwn(alert.brand)} · ${escapeMrkdwn(alert.platform)}*\n${author} · ${formatReach(alert.author.followers)}`;
  const reasons = alert.reasons.length ? alert.reasons.map((r) => escapeMrkdwn(r)).join(' · ') : 'no reasons recorded';
  const warnings = alert.draftWarnings.length ? `\n:warning: ${alert.draftWarnings.map((w) => escapeMrkdwn(w)).join(' · ')}` : '';
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${header}\n${quote(alert.text)}` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Why: ${reasons}` }] },
  ];
  if (alert.draft)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Draft reply (v${alert.draftVersion})*\n${quote(alert.draft)}${warnings}` },
    });
  blocks.push({ type: 'actions', block_id: `item_${alert.itemId}`.slice(0, 255), elements: actionButtons(alert, interactive) });
  return blocks;
}

function digestPayload(alert: DigestAlert): { text: string; blocks: unknown[] } {
  const d = digestText(alert);
  const lines = d.lines.map((l) => {
    const url = safeLinkUrl(l.url);
    return url ? `• <${url}|${escapeMrkdwn(l.text)}>` : `• ${escapeMrkdwn(l.text)}`;
  });
  const open = { type: 'button', action_id: 'open_queue', url: alert.inboxUrl, text: { type: 'plain_text', text: 'Open the queue' } };
  return {
    text: escapeMrkdwn(d.title),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(d.title)}*\n${lines.join('\n')}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(d.note) }] },
      { type: 'actions', elements: [open] },
    ],
  };
}

/** `interactive`: add Approve / Reject (only for destinations whose clicks we can verify). */
export function slackPayload(alert: Alert, interactive = false): { text: string; blocks: unknown[] } {
  if (alert.kind === 'digest') return digestPayload(alert);
  if (alert.kind === 'source') {
    const text = `Earshot source problem: ${alert.sourceId}`;
    return {
      text,
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `:warning: *Source needs attention: ${escapeMrkdwn(alert.sourceId)}*\n${escapeMrkdwn(shorten(alert.problem, 1500))}`,
          },
        },
      ],
    };
  }
  const fallback = `${headline(alert)} mention from @${alert.author.handle}: ${shorten(alert.text, 140)}`;
  return { text: escapeMrkdwn(fallback), blocks: escalationBlocks(alert, interactive) };
}

/**
 * The message that replaces an alert after someone clicked: the post stays, the outcome is
 * added, and the buttons go unless the item still waits for another click (second approval).
 */
export function outcomePayload(
  alert: EscalationAlert | null,
  outcome: string,
  keepButtons: boolean,
): { text: string; blocks: unknown[]; replace_original: true } {
  const note = { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(outcome) }] };
  if (!alert)
    return {
      text: escapeMrkdwn(outcome),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(outcome) } }],
      replace_original: true,
    };
  const blocks = escalationBlocks(alert, keepButtons);
  // Without buttons, the actions block keeps only the links; the outcome goes just above it.
  blocks.splice(blocks.length - 1, 0, note);
  return { text: escapeMrkdwn(outcome), blocks, replace_original: true };
}

export async function sendSlack(
  http: HttpClient,
  destination: { webhookUrl: string; signingSecret?: string | undefined },
  alert: Alert,
): Promise<void> {
  const payload = slackPayload(alert, Boolean(destination.signingSecret));
  const res = await http.send({ method: 'POST', url: destination.webhookUrl, json: payload, write: true, timeoutMs: 10_000 });
  if (res.status >= 200 && res.status < 300) return;
  const body = res.text.slice(0, 200);
  if (res.status === 429) {
    const after = Number(res.headers['retry-after'] ?? 30);
    throw new RateLimitedError(`Slack webhook rate limited (${body})`, new Date(Date.now() + (Number.isFinite(after) ? after : 30) * 1000));
  }
  if (res.status >= 500) throw new TransientError(`Slack webhook HTTP ${res.status}: ${body}`, res.status);
  throw new PermanentError(`Slack webhook refused the alert: HTTP ${res.status} ${body} (check chat[].webhookUrl)`, res.status);
}
