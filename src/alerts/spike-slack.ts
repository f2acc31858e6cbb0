import { PermanentError, RateLimitedError, TransientError } from '../http/errors.js';
import type { HttpClient } from '../http/client.js';
import type { SpikeRecord } from '../store/spikes.js';
import { escapeMrkdwn, safeLinkUrl } from './slack.js';
import type { SpikeText } from './spike-message.js';

export const SPIKE_ACTIONS = ['spike_ack', 'spike_escalate', 'spike_expected'] as const;
export type SpikeAction = (typeof SPIKE_ACTIONS)[number];

function buttons(s: SpikeRecord, t: SpikeText, interactive: boolean): unknown[] {
  const out: unknown[] = [];
  if (interactive && s.status === 'open' && !s.expectedBy) {
    if (!s.acknowledgedBy)
      out.push({
        type: 'button',
        action_id: 'spike_ack',
        value: s.id,
        style: 'primary',
        text: { type: 'plain_text', text: 'Acknowledge' },
      });
    if (!s.escalatedBy)
      out.push({ type: 'button', action_id: 'spike_escalate', value: s.id, text: { type: 'plain_text', text: 'Escalate to managers' } });
    const confirm = {
      title: { type: 'plain_text', text: 'Mark as expected?' },
      text: { type: 'plain_text', text: 'A launch or a sale: no more alerts about this spike.' },
      confirm: { type: 'plain_text', text: 'Mark as expected' },
      deny: { type: 'plain_text', text: 'Cancel' },
    };
    out.push({ type: 'button', action_id: 'spike_expected', value: s.id, text: { type: 'plain_text', text: 'Mark as expected' }, confirm });
  }
  out.push({ type: 'button', action_id: 'spike_open', url: t.inboxUrl, text: { type: 'plain_text', text: 'Open in Earshot' } });
  return out;
}

/** Block Kit for a spike; every piece of post text and every term is escaped (they come from strangers). */
export function spikeBlocks(s: SpikeRecord, t: SpikeText, interactive: boolean): { text: string; blocks: unknown[] } {
  const icon = s.status === 'closed' ? ':white_check_mark:' : s.severity === 'critical' ? ':rotating_light:' : ':chart_with_upwards_trend:';
  const rose = t.rose.map((r) => `• ${escapeMrkdwn(r)}`).join('\n');
  const quotes = t.posts
    .map((p) => {
      const url = safeLinkUrl(p.url);
      const line = `>${escapeMrkdwn(p.text).replace(/\n/g, ' ')}`;
      return url ? `${line} <${url}|view>` : line;
    })
    .join('\n');
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${icon} *${escapeMrkdwn(t.title)}*\n${escapeMrkdwn(t.summary)}` } },
    { type: 'section', text: { type: 'mrkdwn', text: `*What rose*\n${rose || '—'}\n*${escapeMrkdwn(t.terms)}*` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(t.context) }] },
  ];
  if (quotes) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: quotes.slice(0, 2900) } });
  const notes = [t.first, t.status].filter((x): x is string => Boolean(x)).map((x) => escapeMrkdwn(x));
  blocks.push({ type: 'context', elements: notes.map((text) => ({ type: 'mrkdwn', text })) });
  blocks.push({ type: 'actions', block_id: `spike_${s.id}`.slice(0, 255), elements: buttons(s, t, interactive) });
  return { text: escapeMrkdwn(`${t.title}: ${t.summary}`), blocks };
}

/** Slack's Web API answers 200 with ok:false for its errors; only a 429 or a 5xx is worth repeating. */
async function webApi(
  http: HttpClient,
  base: string,
  method: string,
  token: string,
  body: Record<string, unknown>,
): Promise<{ ts?: string; channel?: string }> {
  const res = await http.send({
    method: 'POST',
    url: `${base.replace(/\/+$/, '')}/${method}`,
    headers: { authorization: `Bearer ${token}` },
    json: body,
    write: true,
    timeoutMs: 10_000,
  });
  if (res.status === 429)
    throw new RateLimitedError(`Slack ${method} rate limited`, new Date(Date.now() + Number(res.headers['retry-after'] ?? 30) * 1000));
  if (res.status >= 500) throw new TransientError(`Slack ${method} HTTP ${res.status}`, res.status);
  let parsed: { ok?: boolean; error?: string; ts?: string; channel?: string } = {};
  try {
    parsed = JSON.parse(res.text) as typeof parsed;
  } catch {
    throw new TransientError(`Slack ${method} answered something that is not JSON (HTTP ${res.status})`, res.status);
  }
  if (!parsed.ok)
    throw new PermanentError(
      `Slack ${method} refused: ${String(parsed.error ?? 'unknown error').slice(0, 100)} (check chat[].botToken and chat[].channel)`,
      res.status,
    );
  return { ...(parsed.ts ? { ts: parsed.ts } : {}), ...(parsed.channel ? { channel: parsed.channel } : {}) };
}

export interface SlackBot {
  botToken: string;
  channel: string;
  apiUrl: string;
}

export function postSpike(
  http: HttpClient,
  bot: SlackBot,
  payload: { text: string; blocks: unknown[] },
  threadTs?: string,
): Promise<{ ts?: string; channel?: string }> {
  return webApi(http, bot.apiUrl, 'chat.postMessage', bot.botToken, {
    channel: bot.channel,
    ...payload,
    unfurl_links: false,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
}

export function updateSpike(
  http: HttpClient,
  bot: SlackBot,
  channel: string,
  ts: string,
  payload: { text: string; blocks: unknown[] },
): Promise<{ ts?: string }> {
  return webApi(http, bot.apiUrl, 'chat.update', bot.botToken, { channel, ts, ...payload });
}
